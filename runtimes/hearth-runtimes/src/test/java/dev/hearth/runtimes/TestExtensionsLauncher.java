package dev.hearth.runtimes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extensions launcher on the host's {@code /bin/sh}: it starts every executable file of
 * {@code extensions/} (not other files), marks their output lines, then becomes the runtime with its
 * arguments and variables.
 */
final class TestExtensionsLauncher {
    @TempDir
    Path opt;

    @Test
    void startsTheExecutableExtensionsWithMarkedOutputThenExecsTheRuntime() throws Exception {
        Path extensions = Files.createDirectories(opt.resolve("extensions"));
        executable(extensions.resolve("b-ext"), "#!/bin/sh\necho \"b-ext sees $GREETING\"\n");
        executable(extensions.resolve("a-ext"), "#!/bin/sh\necho a-ext\n");
        Files.writeString(extensions.resolve("not-executable"), "#!/bin/sh\necho never\n");
        RuntimeLaunch runtime = new RuntimeLaunch(List.of("/bin/sh", "-c", "sleep 1; echo \"runtime $0 $GREETING\"", "arg0"),
                Map.of("PYTHONUNBUFFERED", "1"));

        RuntimeLaunch wrapped = ExtensionsLauncher.wrap(runtime, opt.toString());

        assertThat(wrapped.environment()).isEqualTo(runtime.environment());
        assertThat(wrapped.command()).endsWith(runtime.command().toArray(String[]::new));
        ProcessBuilder builder = new ProcessBuilder(wrapped.command()).redirectErrorStream(true);
        builder.environment().put("GREETING", "hello");
        builder.environment().remove("AWS_LAMBDA_RUNTIME_API"); // the relay leaves at once without an API
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        String mark = String.valueOf(ExtensionsLauncher.EXTENSION_LINE_MARK);
        assertThat(lines).containsExactlyInAnyOrder(mark + "a-ext", mark + "b-ext sees hello", "runtime arg0 hello");
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
