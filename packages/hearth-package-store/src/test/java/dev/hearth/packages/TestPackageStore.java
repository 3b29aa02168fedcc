package dev.hearth.packages;

import static dev.hearth.packages.ZipBuilder.codeSha256;
import static dev.hearth.packages.ZipBuilder.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestPackageStore {
    @TempDir
    Path root;

    private final MutableInstantSource clock = new MutableInstantSource(Instant.parse("2026-11-22T08:00:00Z"));
    private PackageStore store;

    @BeforeEach
    void openStore() {
        store = PackageStore.open(root, PackageLimits.defaults(), clock, Duration.ofMinutes(10));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void roundTripReportsLambdasCodeSha256AndSizes() throws IOException {
        byte[] zip = zip()
                .file("index.py", "def handler(event, context):\n    return 42\n")
                .file("lib/util/strings.py", "X = 1\n")
                .build();

        StoredPackage stored = store.put(zip);

        assertThat(stored.codeSha256()).isEqualTo(codeSha256(zip)).hasSize(44).endsWith("=");
        assertThat(stored.codeSize()).isEqualTo(zip.length);
        assertThat(stored.unzippedSize()).isEqualTo(43 + 6);
        assertThat(Files.readAllBytes(store.zipFile(stored.codeSha256()).orElseThrow())).isEqualTo(zip);
        Path task = store.taskRoot(stored.codeSha256()).orElseThrow();
        assertThat(task.resolve("index.py")).hasContent("def handler(event, context):\n    return 42\n");
        assertThat(task.resolve("lib/util/strings.py")).hasContent("X = 1\n");
        assertThat(store.find(stored.codeSha256())).contains(stored);
        assertThat(store.codeSha256s()).containsExactly(stored.codeSha256());
    }

    @Test
    void sandboxesCanReachATaskRootByItsPathButListNoPackagesAndNoStaging() throws IOException {
        StoredPackage stored = store.put(zip().file("index.py", "X = 1\n").build());

        assertThat(mode(root.resolve("packages"))).isEqualTo("rwx--x--x");
        assertThat(mode(root.resolve("staging"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("trash"))).isEqualTo("rwx------");
        Path task = store.taskRoot(stored.codeSha256()).orElseThrow();
        assertThat(mode(task)).endsWith("r-x");
        assertThat(mode(task.resolve("index.py"))).endsWith("r--");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void packageDirectoryIsNamedByHexNotBase64() {
        StoredPackage stored = store.put(zip().file("a", "a").build());

        Path task = store.taskRoot(stored.codeSha256()).orElseThrow();

        assertThat(task.getParent().getFileName().toString()).matches("[0-9a-f]{64}");
        assertThat(task.getParent().getParent()).isEqualTo(root.toAbsolutePath().resolve("packages"));
    }

    @Test
    void keepsExecuteBitAndMakesTreeReadOnlyForEveryone() throws IOException {
        byte[] zip = zip()
                .executable("bootstrap", "#!/bin/sh\necho hi\n")
                .file("data/config.json", "{}".getBytes(StandardCharsets.UTF_8), 0100600)
                .directory("empty")
                .build();

        Path task = store.taskRoot(store.put(zip).codeSha256()).orElseThrow();

        assertThat(permissions(task.resolve("bootstrap"))).isEqualTo("r-xr-xr-x");
        assertThat(Files.isExecutable(task.resolve("bootstrap"))).isTrue();
        assertThat(permissions(task.resolve("data/config.json"))).isEqualTo("r--r--r--");
        assertThat(permissions(task.resolve("data"))).isEqualTo("r-xr-xr-x");
        assertThat(permissions(task.resolve("empty"))).isEqualTo("r-xr-xr-x");
        assertThat(permissions(task)).isEqualTo("r-xr-xr-x");
        assertThat(permissions(store.zipFile(codeSha256(zip)).orElseThrow())).isEqualTo("r--r--r--");
    }

    @Test
    void keepsRelativeSymlinksInsideThePackage() throws IOException {
        byte[] zip = zip()
                .file("node_modules/tool/cli.js", "console.log(1)")
                .symlink("node_modules/.bin/tool", "../tool/cli.js")
                .symlink("current", "node_modules/tool")
                .symlink("dangling", "not/there")
                .build();

        Path task = store.taskRoot(store.put(zip).codeSha256()).orElseThrow();

        Path link = task.resolve("node_modules/.bin/tool");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("../tool/cli.js"));
        assertThat(link).hasContent("console.log(1)");
        assertThat(task.resolve("current/cli.js")).hasContent("console.log(1)");
        assertThat(Files.isSymbolicLink(task.resolve("dangling"))).isTrue();
    }

    @Test
    void acceptsZipsWithoutUnixModesFromJavaUtilZip() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("com/example/Handler.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            out.closeEntry();
            out.putNextEntry(new ZipEntry("lib/"));
            out.closeEntry();
        }

        Path task = store.taskRoot(store.put(bytes.toByteArray()).codeSha256()).orElseThrow();

        assertThat(task.resolve("com/example/Handler.class")).hasBinaryContent(new byte[] {(byte) 0xCA, (byte) 0xFE});
        assertThat(permissions(task.resolve("com/example/Handler.class"))).isEqualTo("r--r--r--");
        assertThat(task.resolve("lib")).isDirectory();
    }

    @Test
    void keepsModificationTimesOfEntries() throws IOException {
        var bytes = new ByteArrayOutputStream();
        FileTime modified = FileTime.from(Instant.parse("2024-03-04T10:20:30Z"));
        try (var out = new ZipArchiveOutputStream(bytes)) {
            var entry = new ZipArchiveEntry("app.py");
            entry.setLastModifiedTime(modified);
            out.putArchiveEntry(entry);
            out.write("pass\n".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }

        Path task = store.taskRoot(store.put(bytes.toByteArray()).codeSha256()).orElseThrow();

        assertThat(Files.getLastModifiedTime(task.resolve("app.py")).toInstant()).isEqualTo(modified.toInstant());
    }

    @Test
    void readsWindowsBackslashSeparatorsAsDirectories() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("dir\\file.txt"));
            out.write('x');
            out.closeEntry();
        }

        Path task = store.taskRoot(store.put(bytes.toByteArray()).codeSha256()).orElseThrow();

        assertThat(task.resolve("dir/file.txt")).hasContent("x");
    }

    @Test
    void keepsBackslashesInUnixNamesAsOrdinaryCharacters() {
        Path task = store.taskRoot(store.put(zip().file("dir/odd\\name.txt", "x").build()).codeSha256())
                .orElseThrow();

        assertThat(task.resolve("dir").resolve("odd\\name.txt")).hasContent("x");
    }

    @Test
    void emptyZipIsAnEmptyPackage() throws IOException {
        StoredPackage stored = store.put(zip().build());

        assertThat(stored.unzippedSize()).isZero();
        try (Stream<Path> children = Files.list(store.taskRoot(stored.codeSha256()).orElseThrow())) {
            assertThat(children).isEmpty();
        }
    }

    @Test
    void puttingTheSameContentAgainIsIdempotent() throws IOException {
        byte[] zip = zip().file("a.txt", "a").build();
        StoredPackage first = store.put(zip);
        Path task = store.taskRoot(first.codeSha256()).orElseThrow();
        Object inode = Files.readAttributes(task, "unix:ino").get("ino");

        StoredPackage second = store.put(zip.clone());

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAttributes(task, "unix:ino").get("ino")).isEqualTo(inode);
        assertThat(packageDirectories()).hasSize(1);
    }

    @Test
    void concurrentPutsOfTheSameContentStoreOnePackage() throws Exception {
        byte[] zip = zip().executable("bootstrap", "#!/bin/sh\n").file("big.bin", new byte[200_000], 0100644).build();

        List<StoredPackage> results = runConcurrently(8, _ -> store.put(zip));

        assertThat(results).hasSize(8).containsOnly(results.getFirst());
        assertThat(packageDirectories()).hasSize(1);
        assertThat(directoryChildren(root.resolve("staging"))).isEmpty();
        assertThat(store.taskRoot(codeSha256(zip)).orElseThrow().resolve("big.bin")).hasSize(200_000);
    }

    @Test
    void concurrentPutsOfDifferentContentStoreEveryPackage() throws Exception {
        List<StoredPackage> results = runConcurrently(
                8, i -> store.put(zip().file("handler.py", "N = " + i + "\n").build()));

        assertThat(results).extracting(StoredPackage::codeSha256).doesNotHaveDuplicates();
        assertThat(store.codeSha256s()).hasSize(8);
        for (StoredPackage stored : results) {
            assertThat(store.taskRoot(stored.codeSha256()).orElseThrow().resolve("handler.py")).exists();
        }
    }

    @Test
    void reopenedStoreFindsExistingPackages() {
        byte[] zip = zip().file("index.js", "exports.handler = async () => 1;").build();
        StoredPackage stored = store.put(zip);
        store.close();

        store = PackageStore.open(root, PackageLimits.defaults());

        assertThat(store.find(stored.codeSha256())).contains(stored);
        assertThat(store.taskRoot(stored.codeSha256()).orElseThrow().resolve("index.js"))
                .hasContent("exports.handler = async () => 1;");
        assertThat(store.put(zip)).isEqualTo(stored);
    }

    @Test
    void openingRemovesWhatACrashLeftInStagingAndTrash() throws IOException {
        StoredPackage kept = store.put(zip().file("a", "a").build());
        store.close();
        Path halfWritten = Files.createDirectories(root.resolve("staging/abc-123/task/sub"));
        Files.writeString(halfWritten.resolve("partial.py"), "x");
        Files.setPosixFilePermissions(halfWritten, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.createDirectories(root.resolve("trash/def-456/task"));

        store = PackageStore.open(root, PackageLimits.defaults());

        assertThat(directoryChildren(root.resolve("staging"))).isEmpty();
        assertThat(directoryChildren(root.resolve("trash"))).isEmpty();
        assertThat(store.codeSha256s()).containsExactly(kept.codeSha256());
    }

    @Test
    void secondOpenOfTheSameDirectoryFails() {
        assertThatThrownBy(() -> PackageStore.open(root, PackageLimits.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already open");
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();

        assertThatThrownBy(() -> store.put(zip().file("a", "a").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.codeSha256s()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lookupsOfUnknownPackagesAreEmptyAndMalformedDigestsAreRefused() {
        String unknown = codeSha256(new byte[] {1, 2, 3});

        assertThat(store.find(unknown)).isEmpty();
        assertThat(store.zipFile(unknown)).isEmpty();
        assertThat(store.taskRoot(unknown)).isEmpty();
        assertThat(store.delete(unknown)).isFalse();
        assertThatThrownBy(() -> store.taskRoot("../../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.find("AAAA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteRemovesTheReadOnlyTree() {
        StoredPackage stored = store.put(zip().executable("bootstrap", "x").symlink("link", "bootstrap").build());
        Path task = store.taskRoot(stored.codeSha256()).orElseThrow();

        assertThat(store.delete(stored.codeSha256())).isTrue();

        assertThat(task).doesNotExist();
        assertThat(store.find(stored.codeSha256())).isEmpty();
        assertThat(packageDirectories()).isEmpty();
        assertThat(directoryChildren(root.resolve("trash"))).isEmpty();
        assertThat(store.delete(stored.codeSha256())).isFalse();
    }

    @Test
    void retainOnlyDeletesUnreferencedPackagesOutsideTheGracePeriod() {
        StoredPackage live = store.put(zip().file("live", "1").build());
        StoredPackage dead = store.put(zip().file("dead", "2").build());
        clock.advance(Duration.ofMinutes(11));
        StoredPackage fresh = store.put(zip().file("fresh", "3").build());

        Set<String> deleted = store.retainOnly(Set.of(live.codeSha256()));

        assertThat(deleted).containsExactly(dead.codeSha256());
        assertThat(store.codeSha256s()).containsExactlyInAnyOrder(live.codeSha256(), fresh.codeSha256());

        clock.advance(Duration.ofMinutes(11));
        assertThat(store.retainOnly(Set.of(live.codeSha256()))).containsExactly(fresh.codeSha256());
        assertThat(store.codeSha256s()).containsExactly(live.codeSha256());
    }

    @Test
    void packagesFoundOnOpenAreCollectableAtOnce() {
        StoredPackage orphan = store.put(zip().file("orphan", "1").build());
        store.close();
        store = PackageStore.open(root, PackageLimits.defaults(), clock, Duration.ofMinutes(10));

        assertThat(store.retainOnly(Set.of())).containsExactly(orphan.codeSha256());
    }

    @Test
    void rePutRestartsTheGracePeriod() {
        byte[] zip = zip().file("a", "a").build();
        store.put(zip);
        clock.advance(Duration.ofMinutes(11));
        store.put(zip);

        assertThat(store.retainOnly(Set.of())).isEmpty();
        assertThat(store.find(codeSha256(zip))).isPresent();
    }

    private interface IndexedTask<T> {
        T run(int index) throws Exception;
    }

    private static <T> List<T> runConcurrently(int threads, IndexedTask<T> task) throws Exception {
        List<T> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                Callable<T> call = () -> task.run(index);
                futures.add(executor.submit(call));
            }
            for (Future<T> future : futures) {
                results.add(future.get());
            }
        }
        return results;
    }

    private List<Path> packageDirectories() {
        return directoryChildren(root.resolve("packages"));
    }

    private static List<Path> directoryChildren(Path directory) {
        try (Stream<Path> children = Files.list(directory)) {
            return children.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
