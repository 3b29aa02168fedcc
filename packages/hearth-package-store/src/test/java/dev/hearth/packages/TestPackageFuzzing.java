package dev.hearth.packages;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link PackageStore#put} with arbitrary bytes and with hostile zips ({@link HostileZips}),
 * under small limits so that every limit is reachable. Whatever the input: the put either stores a
 * package or refuses it with Lambda's {@code InvalidParameterValueException} or
 * {@code RequestEntityTooLargeException} (never another exception, never a hang); a stored tree holds
 * only directories, read-only regular files and relative links, all inside the tree and within the
 * limits, and no link resolves outside it; a refusal leaves the store as it was, with nothing in
 * {@code staging/} or {@code trash/}.
 *
 * <p>Bounded: Jazzer fuzzes for {@code maxDuration} when the build sets {@code JAZZER_FUZZ} (the
 * parent POM does), else replays the saved inputs only.
 */
final class TestPackageFuzzing {
    private static final PackageLimits LIMITS = new PackageLimits(256 * 1024, 64 * 1024, 24, 8, 160);
    private static final Set<LambdaErrorType> REFUSALS =
            Set.of(LambdaErrorType.InvalidParameterValueException, LambdaErrorType.RequestEntityTooLargeException);

    @TempDir
    Path directory;

    private PackageStore store;

    @BeforeEach
    void openStore() {
        store = PackageStore.open(directory.resolve("store"), LIMITS);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @FuzzTest(maxDuration = "10s")
    void putStoresOnlySafePackagesAndLeavesNothingBehindOtherwise(FuzzedDataProvider data) throws IOException {
        byte[] zip = data.consumeInt(0, 4) == 0 ? data.consumeRemainingAsBytes() : HostileZips.from(data);
        Set<String> before = store.codeSha256s();
        StoredPackage stored;
        try {
            stored = store.put(zip);
        } catch (LambdaException refused) {
            assertThat(refused.type()).as(refused.getMessage()).isIn(REFUSALS);
            assertThat(store.codeSha256s()).isEqualTo(before);
            assertNothingLeftBehind();
            return;
        }
        try {
            assertSafeTree(store.taskRoot(stored.codeSha256()).orElseThrow(), stored);
            assertNothingLeftBehind();
        } finally {
            store.delete(stored.codeSha256());
        }
    }

    private void assertNothingLeftBehind() throws IOException {
        for (String transientDirectory : List.of("staging", "trash")) {
            try (Stream<Path> children = Files.list(store.root().resolve(transientDirectory))) {
                assertThat(children).as(transientDirectory).isEmpty();
            }
        }
    }

    private static void assertSafeTree(Path taskRoot, StoredPackage stored) throws IOException {
        Path realRoot = taskRoot.toRealPath();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(taskRoot)) {
            paths = walk.filter(p -> !p.equals(taskRoot)).toList();
        }
        long fileBytes = 0;
        int filesAndLinks = 0;
        for (Path path : paths) {
            Path relative = taskRoot.relativize(path);
            assertThat(path.normalize()).startsWithRaw(taskRoot);
            assertThat(relative.getNameCount()).as(relative.toString()).isLessThanOrEqualTo(LIMITS.maxPathDepth());
            assertThat(relative.toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LIMITS.maxPathBytes());
            if (Files.isSymbolicLink(path)) {
                filesAndLinks++;
                assertLinkStaysInside(taskRoot, realRoot, relative);
            } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                filesAndLinks++;
                fileBytes += Files.size(path);
                assertThat(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)).as(relative.toString())
                        .doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                                PosixFilePermission.OTHERS_WRITE);
            } else {
                assertThat(Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
                        .as("%s is a directory, a regular file or a link", relative).isTrue();
            }
        }
        assertThat(filesAndLinks).isLessThanOrEqualTo(LIMITS.maxEntries());
        assertThat(fileBytes).isLessThanOrEqualTo(stored.unzippedSize()).isLessThanOrEqualTo(LIMITS.maxUnzippedBytes());
    }

    /**
     * Resolves a link on disk as the kernel would, step by step through the links it meets (a missing
     * component is passed over lexically, which is stricter than the kernel): it must never climb above
     * the root or reach an absolute target. An existing target's real path must be inside the root too.
     */
    private static void assertLinkStaysInside(Path taskRoot, Path realRoot, Path link) throws IOException {
        Path target = Files.readSymbolicLink(taskRoot.resolve(link));
        assertThat(target.isAbsolute()).as("%s -> %s is relative", link, target).isFalse();
        Deque<String> current = new ArrayDeque<>();
        for (int i = 0; i < link.getNameCount() - 1; i++) {
            current.addLast(link.getName(i).toString());
        }
        Deque<String> pending = new ArrayDeque<>(segments(target.toString()));
        int hops = 1;
        while (!pending.isEmpty()) {
            String segment = pending.removeFirst();
            if (segment.equals("..")) {
                assertThat(current).as("%s -> %s climbs above the package", link, target).isNotEmpty();
                current.removeLast();
                continue;
            }
            current.addLast(segment);
            Path here = taskRoot.resolve(String.join("/", current));
            if (Files.isSymbolicLink(here)) {
                assertThat(++hops).as("%s -> %s: links in one chain", link, target).isLessThanOrEqualTo(SymlinkCheck.MAX_LINK_HOPS);
                Path next = Files.readSymbolicLink(here);
                assertThat(next.isAbsolute()).isFalse();
                current.removeLast();
                List<String> substituted = segments(next.toString());
                for (int i = substituted.size() - 1; i >= 0; i--) {
                    pending.addFirst(substituted.get(i));
                }
            }
        }
        if (Files.exists(taskRoot.resolve(link))) {
            assertThat(taskRoot.resolve(link).toRealPath()).startsWithRaw(realRoot);
        }
    }

    private static List<String> segments(String target) {
        List<String> segments = new ArrayList<>();
        for (String segment : target.split("/", -1)) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return segments;
    }
}
