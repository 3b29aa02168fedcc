package dev.hearth.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merged {@code /opt} trees: layer order, links, sharing between users, deletion once unused for a while. */
final class TestOptTrees {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();

    private Path layer(String name) throws IOException {
        return Files.createDirectories(dir.resolve("layers").resolve(name));
    }

    private static void write(Path layer, String relative, String text) throws IOException {
        Path file = layer.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void laterLayersOverrideEarlierFilesAndEveryFileIsMerged() throws Exception {
        Path first = layer("first");
        write(first, "python/shared.py", "first");
        write(first, "python/only_first.py", "1");
        write(first, "bin/tool", "first tool");
        Path second = layer("second");
        write(second, "python/shared.py", "second");
        write(second, "nodejs/node_modules/lib/index.js", "2");
        write(second, "bin/tool/readme", "a directory where the first layer had a file");

        try (OptTrees trees = new OptTrees(dir.resolve("trees"), clock)) {
            OptTrees.Lease lease = trees.acquire(List.of(first, second));
            Path tree = lease.directory();

            assertThat(tree.resolve("python/shared.py")).hasContent("second");
            assertThat(tree.resolve("python/only_first.py")).hasContent("1");
            assertThat(tree.resolve("nodejs/node_modules/lib/index.js")).hasContent("2");
            assertThat(tree.resolve("bin/tool/readme")).hasContent("a directory where the first layer had a file");
            assertThat(Files.getAttribute(tree.resolve("python/shared.py"), "unix:ino"))
                    .as("a hard link to the layer's own file, not a copy")
                    .isEqualTo(Files.getAttribute(second.resolve("python/shared.py"), "unix:ino"));
            assertThat(first.resolve("python/shared.py")).as("layers are never changed").hasContent("first");

            OptTrees.Lease reversed = trees.acquire(List.of(second, first));
            assertThat(reversed.directory()).isNotEqualTo(tree);
            assertThat(reversed.directory().resolve("python/shared.py")).hasContent("first");
            assertThat(reversed.directory().resolve("bin/tool")).isRegularFile().hasContent("first tool");
            lease.release();
            reversed.release();
        }
    }

    @Test
    void symbolicLinksAreKeptAsLinksAndNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        write(outside, "secret.txt", "host file");
        Path first = layer("links");
        Files.createDirectories(first.resolve("lib"));
        Files.createSymbolicLink(first.resolve("lib/escape"), outside);
        Files.createSymbolicLink(first.resolve("lib/libfoo.so"), Path.of("libfoo.so.1"));
        write(first, "lib/libfoo.so.1", "elf");
        Path second = layer("over-the-link");
        write(second, "lib/escape/planted.txt", "must not land outside");

        try (OptTrees trees = new OptTrees(dir.resolve("trees"), clock)) {
            Path tree = trees.acquire(List.of(first)).directory();
            assertThat(Files.isSymbolicLink(tree.resolve("lib/escape"))).isTrue();
            assertThat(Files.readSymbolicLink(tree.resolve("lib/escape"))).isEqualTo(outside);
            assertThat(Files.readSymbolicLink(tree.resolve("lib/libfoo.so"))).isEqualTo(Path.of("libfoo.so.1"));

            Path merged = trees.acquire(List.of(first, second)).directory();
            assertThat(Files.isDirectory(merged.resolve("lib/escape"), LinkOption.NOFOLLOW_LINKS))
                    .as("a later layer's directory replaces the link instead of writing through it").isTrue();
            assertThat(merged.resolve("lib/escape/planted.txt")).hasContent("must not land outside");
            assertThat(outside.resolve("planted.txt")).doesNotExist();
            try (Stream<Path> files = Files.list(outside)) {
                assertThat(files).containsExactly(outside.resolve("secret.txt"));
            }
        }
    }

    @Test
    void oneListIsBuiltOnceSharedByItsUsersAndKeptUnusedUntilItsTimeIsUp() throws Exception {
        Path first = layer("a");
        write(first, "bin/a", "a");
        Path second = layer("b");
        write(second, "bin/b", "b");

        try (OptTrees trees = new OptTrees(dir.resolve("trees"), clock)) {
            OptTrees.Lease one = trees.acquire(List.of(first, second));
            Object inode = Files.getAttribute(one.directory(), "unix:ino");
            OptTrees.Lease two = trees.acquire(List.of(first, second));
            OptTrees.Lease other = trees.acquire(List.of(second));

            assertThat(two.directory()).isEqualTo(one.directory());
            assertThat(Files.getAttribute(two.directory(), "unix:ino")).as("not rebuilt").isEqualTo(inode);
            assertThat(other.directory()).isNotEqualTo(one.directory());
            assertThat(trees.size()).isEqualTo(2);

            one.release();
            one.release(); // a second release of one lease changes nothing
            two.release();
            clock.advance(Duration.ofMinutes(9));
            assertThat(trees.deleteUnusedSince(clock.instant().minus(OptTrees.KEPT_UNUSED))).isZero();
            OptTrees.Lease again = trees.acquire(List.of(first, second));
            assertThat(again.directory()).as("an unused tree is taken again, not rebuilt").isEqualTo(one.directory());
            assertThat(Files.getAttribute(again.directory(), "unix:ino")).isEqualTo(inode);
            again.release();

            clock.advance(Duration.ofMinutes(10));
            assertThat(trees.deleteUnusedSince(clock.instant().minus(OptTrees.KEPT_UNUSED)))
                    .as("only the tree unused for 10 minutes; the other is still held").isEqualTo(1);
            assertThat(one.directory()).doesNotExist();
            assertThat(other.directory().resolve("bin/b")).hasContent("b");
            assertThat(trees.size()).isEqualTo(1);

            OptTrees.Lease rebuilt = trees.acquire(List.of(first, second));
            assertThat(rebuilt.directory()).isNotEqualTo(one.directory());
            assertThat(rebuilt.directory().resolve("bin/a")).hasContent("a");
            rebuilt.release();
            other.release();
            clock.advance(OptTrees.KEPT_UNUSED);
            assertThat(trees.deleteUnusedSince(clock.instant().minus(OptTrees.KEPT_UNUSED))).isEqualTo(2);
            try (Stream<Path> left = Files.list(trees.root())) {
                assertThat(left).as("nothing left once every tree's time is up").isEmpty();
            }
        }
    }

    @Test
    void aMissingLayerFailsTheAcquireAndLeavesNothing() throws Exception {
        Path present = layer("present");
        write(present, "bin/x", "x");

        try (OptTrees trees = new OptTrees(dir.resolve("trees"), clock)) {
            assertThatThrownBy(() -> trees.acquire(List.of(present, dir.resolve("layers/missing"))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("missing");
            assertThat(trees.size()).isZero();
            try (Stream<Path> left = Files.list(trees.root())) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void leftoversOfAnEarlierWorkerAreDeletedAndCloseDeletesEveryTree() throws Exception {
        Path root = dir.resolve("trees");
        write(Files.createDirectories(root.resolve("stale-1")), "python/x.py", "old");
        Path layer = layer("l");
        write(layer, "lib/l.so", "l");

        OptTrees trees = new OptTrees(root, clock);
        assertThat(root.resolve("stale-1")).doesNotExist();
        Path tree = trees.acquire(List.of(layer)).directory();
        trees.close();

        assertThat(tree).doesNotExist();
        assertThat(layer.resolve("lib/l.so")).hasContent("l");
        assertThatThrownBy(() -> trees.acquire(List.of(layer))).isInstanceOf(IOException.class);
    }
}
