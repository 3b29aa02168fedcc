package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives this writer makes are read back by GNU cpio (Debian's {@code cpio}), also when concatenated. */
final class TestCpioArchive {
    @TempDir
    Path dir;

    @Test
    void gnuCpioExtractsDirectoriesFilesAndSymlinksOfConcatenatedArchives() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CpioArchive first = new CpioArchive(bytes);
        first.directory("bin", 0755);
        first.file("bin/tool", 0755, "#!/bin/sh\necho tool\n".getBytes(UTF_8));
        first.symlink("bin/alias", "tool");
        first.finish();
        CpioArchive second = new CpioArchive(bytes);
        second.file("odd.txt", 0640, "x".getBytes(UTF_8));
        second.finish();
        Path archive = Files.write(dir.resolve("archive.cpio"), bytes.toByteArray());
        Path out = Files.createDirectories(dir.resolve("out"));

        // GNU cpio reads one archive per run, as the kernel does: the first, then the rest after its trailer
        run(out, "cpio -idm --quiet < " + archive);
        int firstLength = firstArchiveLength(bytes.toByteArray());
        Path rest = Files.write(dir.resolve("rest.cpio"),
                java.util.Arrays.copyOfRange(bytes.toByteArray(), firstLength, bytes.size()));
        run(out, "cpio -idm --quiet < " + rest);

        assertThat(out.resolve("bin/tool")).hasContent("#!/bin/sh\necho tool");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/tool")))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readSymbolicLink(out.resolve("bin/alias"))).isEqualTo(Path.of("tool"));
        assertThat(out.resolve("odd.txt")).hasContent("x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("odd.txt")))).isEqualTo("rw-r-----");
        assertThat(bytes.size() % 4).isZero();
    }

    private static int firstArchiveLength(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int trailer = text.indexOf("TRAILER!!!");
        int end = trailer + "TRAILER!!!".length() + 1;
        return (end + 3) / 4 * 4;
    }

    private static void run(Path workDir, String shell) throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", shell).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }
}
