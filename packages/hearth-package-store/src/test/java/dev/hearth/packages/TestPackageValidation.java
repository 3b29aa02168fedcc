package dev.hearth.packages;

import static dev.hearth.packages.ZipBuilder.centralHeaders;
import static dev.hearth.packages.ZipBuilder.patchInt;
import static dev.hearth.packages.ZipBuilder.patchShort;
import static dev.hearth.packages.ZipBuilder.readInt;
import static dev.hearth.packages.ZipBuilder.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class TestPackageValidation {
    private static final String COULD_NOT_UNZIP =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";
    private static final long SMALL_UNZIPPED_LIMIT = 1_048_576;
    /** Local file header offsets: flags, method, CRC, uncompressed size. */
    private static final int LOCAL_FLAGS = 6;
    private static final int LOCAL_METHOD = 8;
    /** Central directory header offsets: flags, method, CRC, uncompressed size, local header offset. */
    private static final int CENTRAL_FLAGS = 8;
    private static final int CENTRAL_METHOD = 10;
    private static final int CENTRAL_CRC = 16;
    private static final int CENTRAL_SIZE = 24;
    private static final int CENTRAL_LOCAL_OFFSET = 42;

    @TempDir
    Path root;

    private PackageStore store;
    private StoredPackage existing;

    @BeforeEach
    void openStoreWithOnePackage() {
        store = PackageStore.open(root, PackageLimits.defaults().withMaxUnzippedBytes(SMALL_UNZIPPED_LIMIT));
        existing = store.put(zip().file("existing.py", "x = 1\n").build());
    }

    @AfterEach
    void storeIsUnchangedAndClosed() throws IOException {
        try {
            assertThat(store.codeSha256s()).containsExactly(existing.codeSha256());
            assertThat(children(root.resolve("staging"))).isEmpty();
            assertThat(children(root.resolve("trash"))).isEmpty();
        } finally {
            store.close();
        }
    }

    @Test
    void notAZipCannotBeUnzipped() {
        assertCannotUnzip("this is not a zip file".getBytes(StandardCharsets.UTF_8));
        assertCannotUnzip(new byte[0]);
    }

    @Test
    void truncatedZipCannotBeUnzipped() {
        byte[] zip = zip().file("handler.py", "x".repeat(10_000)).build();

        assertCannotUnzip(Arrays.copyOf(zip, zip.length / 2));
        assertCannotUnzip(Arrays.copyOf(zip, zip.length - 10));
    }

    @Test
    void corruptCompressedDataCannotBeUnzippedAndPartialFilesAreRemoved() {
        byte[] zip = zip().file("good.txt", "fine").file("data.txt", randomText(50_000)).build();
        int corruptFrom = zip.length / 2;
        for (int i = corruptFrom; i < corruptFrom + 60; i++) {
            zip[i] ^= 0x5A;
        }

        assertCannotUnzip(zip);
    }

    @Test
    void wrongCrcCannotBeUnzipped() {
        byte[] zip = zip().file("a.txt", "hello").build();
        int central = centralHeaders(zip)[0];

        assertCannotUnzip(patchInt(zip, central + CENTRAL_CRC, readInt(zip, central + CENTRAL_CRC) ^ 1));
    }

    @Test
    void encryptedEntriesCannotBeUnzipped() {
        byte[] zip = zip().file("a.txt", "hello").build();
        int central = centralHeaders(zip)[0];
        byte[] encrypted = patchShort(zip, LOCAL_FLAGS, 1);
        encrypted = patchShort(encrypted, central + CENTRAL_FLAGS, 1);

        assertCannotUnzip(encrypted);
    }

    @Test
    void unsupportedCompressionMethodCannotBeUnzipped() {
        byte[] zip = zip().file("a.txt", "hello").build();
        int central = centralHeaders(zip)[0];
        byte[] lzma = patchShort(zip, LOCAL_METHOD, 14);
        lzma = patchShort(lzma, central + CENTRAL_METHOD, 14);

        assertCannotUnzip(lzma);
    }

    @Test
    void zipOverTheZippedLimitIsRequestEntityTooLarge() {
        store.close();
        store = PackageStore.open(root, PackageLimits.defaults().withMaxZippedBytes(200));

        LambdaException e = rejection(zip().file("a.txt", randomText(1_000)).build());

        assertThat(e.type()).isEqualTo(LambdaErrorType.RequestEntityTooLargeException);
        assertThat(e.httpStatus()).isEqualTo(413);
        assertThat(e).hasMessage("Zipped size must be smaller than 200 bytes");
    }

    @Test
    void packageExactlyAtTheUnzippedLimitIsAccepted() {
        StoredPackage stored = store.put(zip().file("exact.bin", new byte[(int) SMALL_UNZIPPED_LIMIT], 0100644).build());

        assertThat(stored.unzippedSize()).isEqualTo(SMALL_UNZIPPED_LIMIT);
        assertThat(store.delete(stored.codeSha256())).isTrue();
    }

    @Test
    void packageOverTheUnzippedLimitIsRefusedWithTheConfiguredNumber() {
        byte[] zip = zip().file("big.bin", new byte[(int) SMALL_UNZIPPED_LIMIT + 1], 0100644).build();

        assertInvalid(zip, "Unzipped size must be smaller than 1048576 bytes");
    }

    @Test
    void honestBombIsRefusedBeforeInflating() {
        byte[] bomb = zip().file("bomb.bin", new byte[20_000_000], 0100644).build();

        assertInvalid(bomb, "Unzipped size must be smaller than 1048576 bytes");
    }

    @Test
    void manyFilesTogetherOverTheUnzippedLimitAreRefused() {
        var builder = zip();
        for (int i = 0; i < 20; i++) {
            builder.file("part" + i + ".bin", new byte[100_000], 0100644);
        }

        assertInvalid(builder.build(), "Unzipped size must be smaller than 1048576 bytes");
    }

    @Test
    void highRatioBombWhoseHeadersLieIsStoppedByCountingInflatedBytes() {
        byte[] bomb = zip().file("bomb.bin", new byte[20_000_000], 0100644).build();
        assertThat(bomb.length).isLessThan(100_000);
        int central = centralHeaders(bomb)[0];
        byte[] lying = patchInt(bomb, central + CENTRAL_SIZE, 10);

        LambdaException e = rejection(lying);

        assertThat(e).hasMessage(COULD_NOT_UNZIP);
        assertThat(e.getCause()).hasMessage("entry 'bomb.bin' inflates to more than the 10 bytes the zip declares");
    }

    @Test
    void lyingHeadersCannotHideBytesAcrossManyEntries() {
        var builder = zip();
        for (int i = 0; i < 4; i++) {
            builder.file("chunk" + i, new byte[400_000], 0100644);
        }
        byte[] zip = builder.build();
        int[] centrals = centralHeaders(zip);
        for (int central : centrals) {
            zip = patchInt(zip, central + CENTRAL_SIZE, 1);
        }

        LambdaException e = rejection(zip);

        assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
    }

    @Test
    void overlappingEntriesAreRefused() {
        byte[] zip = zip().file("a.bin", new byte[5_000], 0100644).file("b.bin", new byte[5_000], 0100644).build();
        int second = centralHeaders(zip)[1];

        LambdaException e = rejection(patchInt(zip, second + CENTRAL_LOCAL_OFFSET, 0));

        assertThat(e).hasMessage(COULD_NOT_UNZIP);
        assertThat(e.getCause()).hasMessageContaining("overlap");
    }

    @Test
    void manyLongLinkTargetsCannotMakeTheCheckRunAway() {
        var builder = zip().directory("d").symlink("base", "d/../".repeat(800) + "d");
        for (int i = 0; i < 700; i++) {
            builder.symlink("link" + i, "base");
        }

        LambdaException e = rejection(builder.build());

        assertThat(e.getMessage()).contains("take more than 1000000 steps to check");
    }

    @Test
    void tooManyEntriesAreRefused() {
        store.close();
        store = PackageStore.open(root, PackageLimits.defaults().withMaxEntries(3));

        assertInvalid(zip().file("a", "").file("b", "").file("c", "").file("d", "").build(),
                "Deployment package must contain at most 3 files, directories and links");
    }

    @Test
    void tooDeepAndTooLongPathsAreRefused() {
        store.close();
        store = PackageStore.open(root, PackageLimits.defaults().withMaxPathDepth(3).withMaxPathBytes(40));

        assertInvalid(zip().file("a/b/c/d.txt", "").build(),
                "Deployment package entry 'a/b/c/d.txt' is nested deeper than 3 directories");
        assertInvalid(zip().file("x".repeat(41), "").build(),
                "Deployment package entry '" + "x".repeat(41) + "' has a path longer than 40 bytes");
        assertInvalid(zip().file("y".repeat(256), "").build(),
                "Deployment package entry '" + "y".repeat(256) + "' has a name segment longer than 255 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "../evil.txt", "a/../../evil.txt", "a/../b.txt", "/etc/passwd", "C:/Windows/evil.txt", "c:evil.txt",
        "x/..\\..\\evil.txt"})
    void zipSlipEntriesAreRefusedByName(String name) {
        LambdaException e = rejection(zip().file("ok.txt", "ok").file(name, "pwned").build());

        assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
        assertThat(e.getMessage()).startsWith("Deployment package entry '" + name + "' ");
        assertThat(root.getParent().resolve("evil.txt")).doesNotExist();
    }

    /** Windows zips use backslashes as separators; they are read as '/', so they cannot hide a '..'. */
    @ParameterizedTest
    @ValueSource(strings = {"..\\..\\evil.txt", "a\\..\\..\\evil.txt", "\\\\server\\share\\evil.txt"})
    void windowsSeparatorsCannotSlipOut(String name) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.ZipOutputStream(bytes)) {
            out.putNextEntry(new java.util.zip.ZipEntry(name));
            out.write(1);
            out.closeEntry();
        }

        LambdaException e = rejection(bytes.toByteArray());

        assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
        assertThat(e.getMessage()).startsWith("Deployment package entry '" + name.replace('\\', '/') + "' ");
        assertThat(root.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void nulInANameIsRefusedAndShownEscaped() {
        assertInvalid(zip().file("safe.txt\u0000../../evil", "x").build(),
                "Deployment package entry 'safe.txt\\u0000../../evil' contains a NUL character");
    }

    @Test
    void symlinksToAbsolutePathsAreRefused() {
        assertInvalid(zip().symlink("passwd", "/etc/passwd").build(),
                "Deployment package entry 'passwd' is a symbolic link to an absolute path (/etc/passwd);"
                        + " only relative links inside the package are allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../..", "../../outside", "a/../../../outside", "./../../x", "sub/../../..", "..\\..\\etc"})
    void symlinksOutOfThePackageAreRefused(String target) {
        LambdaException e = rejection(zip().directory("sub").symlink("sub/link", target).build());

        assertThat(e.getMessage()).startsWith("Deployment package entry 'sub/link' is a symbolic link to " + target);
    }

    @Test
    void symlinkChainsAreResolvedThroughLinkedDirectories() {
        byte[] zip = zip()
                .directory("a/b")
                .symlink("a/b/up", "../..")
                .symlink("a/b/x", "up/..")
                .build();

        assertInvalid(zip, "Deployment package entry 'a/b/x' is a symbolic link to up/.., which resolves outside the package");
    }

    @Test
    void linksToLinksThatEscapeAreRefused() {
        byte[] zip = zip()
                .directory("d/e")
                .symlink("first", "d/e/second")
                .symlink("d/e/second", "../../../etc")
                .build();

        LambdaException e = rejection(zip);

        assertThat(e.getMessage()).contains("which resolves outside the package");
    }

    @Test
    void symlinkLoopsAreRefused() {
        assertInvalid(zip().symlink("a", "b").symlink("b", "a").build(),
                "Deployment package entry 'a' is a symbolic link that passes more than 40 links (a loop?)");
    }

    @Test
    void entriesWrittenThroughASymlinkAreRefused() {
        assertInvalid(zip().directory("real").symlink("link", "real").file("link/file.txt", "x").build(),
                "Deployment package entry 'link/file.txt' is inside 'link', which is a symbolic link;"
                        + " entries may not be written through links");
        assertInvalid(zip().symlink("out", "../../../tmp").file("out/evil.txt", "x").build(),
                "Deployment package entry 'out/evil.txt' is inside 'out', which is a symbolic link;"
                        + " entries may not be written through links");
        assertInvalid(zip().file("link/file.txt", "x").symlink("link", "real").build(),
                "Deployment package entry 'link' is also a directory of the package");
    }

    @Test
    void oversizedSymlinkTargetsAreRefused() {
        assertInvalid(zip().symlink("long", "a/".repeat(3_000)).build(),
                "Deployment package entry 'long' is a symbolic link whose target is longer than 4095 bytes");
    }

    @Test
    void duplicateFilesAreRefusedButRepeatedDirectoriesAreNot() {
        assertInvalid(zip().file("handler.py", "good").file("handler.py", "evil").build(),
                "Deployment package entry 'handler.py' appears more than once in the package");
        assertInvalid(zip().file("x", "file").file("x/y", "inside a file").build(),
                "Deployment package entry 'x/y' is inside 'x', which is a file of the package");

        StoredPackage stored = store.put(zip().directory("d").directory("d/").file("d/f", "1").build());
        assertThat(store.delete(stored.codeSha256())).isTrue();
    }

    @Test
    void specialFilesAreRefused() {
        assertInvalid(zip().file("fifo", new byte[0], 0010644).build(),
                "Deployment package entry 'fifo' is a device, FIFO or socket;"
                        + " a package may only contain files, directories and symbolic links");
    }

    private void assertCannotUnzip(byte[] zip) {
        assertInvalid(zip, COULD_NOT_UNZIP);
    }

    private void assertInvalid(byte[] zip, String message) {
        LambdaException e = rejection(zip);
        assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e).hasMessage(message);
    }

    private LambdaException rejection(byte[] zip) {
        LambdaException e = catchThrowableOfType(LambdaException.class, () -> store.put(zip));
        assertThat(e).as("put must refuse the package").isNotNull();
        return e;
    }

    private static String randomText(int length) {
        var random = new java.util.Random(42);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static List<Path> children(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.toList();
        }
    }
}
