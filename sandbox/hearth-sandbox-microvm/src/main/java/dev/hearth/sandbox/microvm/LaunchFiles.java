package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sandbox's own initramfs: the shared one with a second cpio archive appended that holds
 * {@code /hearth/launch.env} (the guest init's settings) and {@code /hearth/command} (a shell line
 * that runs the spec's argv with exactly the spec's environment, {@code env -i}).
 */
final class LaunchFiles {
    private LaunchFiles() {}

    static void writeInitramfs(Path sharedInitramfs, SandboxSpec spec, Path target) throws IOException {
        Files.copy(sharedInitramfs, target);
        // the command appended below holds the function's environment: the file is its owner's (QEMU's) only
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.APPEND)) {
            CpioArchive cpio = new CpioArchive(out);
            cpio.file("hearth/launch.env", 0644, launchEnv(spec).getBytes(UTF_8));
            cpio.file("hearth/command", 0644, command(spec).getBytes(UTF_8));
            cpio.finish();
        }
    }

    static String launchEnv(SandboxSpec spec) {
        return "HEARTH_TMP_MB=" + spec.limits().ephemeralStorageMb() + "\n";
    }

    static String command(SandboxSpec spec) {
        StringBuilder line = new StringBuilder("exec env -i");
        for (Map.Entry<String, String> variable : new TreeMap<>(spec.environment()).entrySet()) {
            line.append(' ').append(quote(variable.getKey() + "=" + variable.getValue()));
        }
        for (String arg : spec.command()) {
            line.append(' ').append(quote(arg));
        }
        return line.append('\n').toString();
    }

    /** Single-quotes a word for the POSIX shell. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
