package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's command line, run by the host's shell: exact environment and argv, whatever the quoting. */
final class TestLaunchFiles {
    @TempDir
    Path dir;

    @Test
    void commandRunsArgvWithExactlyTheSpecEnvironment() throws Exception {
        Map<String, String> environment = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "QUOTES", "it's \"quoted\" $HOME `x`",
                "LINES", "one\ntwo", "EMPTY", "");
        SandboxSpec spec = new SandboxSpec("quoting", List.of("/usr/bin/python3", "-c", """
                import os, sys
                print(sorted(os.environ.items()))
                print(sys.argv[1:])
                """, "a b", "c'd", "$(echo no)"), environment, dir, dir, dir,
                new RuntimeApiAddress.UnixSocket(dir.resolve("api.sock")), ResourceLimits.forMemory(128, 512), false);
        Path command = dir.resolve("command");
        Files.writeString(command, LaunchFiles.command(spec));

        Process process = new ProcessBuilder("/bin/sh", command.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).isEqualTo("[('EMPTY', ''), ('LANG', 'C.UTF-8'), ('LINES', 'one\\ntwo'), ('PATH', '/usr/bin:/bin'), "
                + "('QUOTES', 'it\\'s \"quoted\" $HOME `x`')]\n['a b', \"c'd\", '$(echo no)']\n");
        assertThat(LaunchFiles.launchEnv(spec)).isEqualTo("HEARTH_TMP_MB=512\n");
    }

    @Test
    void theInitramfsHoldingTheEnvironmentIsItsOwnersOnly() throws Exception {
        Path shared = Files.write(dir.resolve("shared.cpio"), new byte[] {1, 2, 3});
        SandboxSpec spec = new SandboxSpec("secret", List.of("/bin/true"), Map.of("DB_PASSWORD", "hunter2"), dir, dir, dir,
                new RuntimeApiAddress.UnixSocket(dir.resolve("api.sock")), ResourceLimits.forMemory(128, 512), false);
        Path initramfs = dir.resolve("initramfs.cpio");
        LaunchFiles.writeInitramfs(shared, spec, initramfs);

        assertThat(Files.getPosixFilePermissions(initramfs)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(new String(Files.readAllBytes(initramfs), UTF_8)).contains("DB_PASSWORD=hunter2");
    }
}
