package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The files a backend shares with all its sandboxes, in its state directory: the compiled seccomp
 * program and the sandbox's {@code /etc/passwd} and {@code /etc/group}. All world-readable and
 * owned by Hearth, so the sandbox user can bind-mount but never change them. Immutable.
 */
record BackendFiles(Path seccomp, Path passwd, Path group) {

    /** Writes the files into {@code stateDir} (created, mode 0755). */
    static BackendFiles write(Path stateDir, SandboxUser user, Path python3) throws IOException {
        Files.createDirectories(stateDir);
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path passwd = readable(Files.writeString(stateDir.resolve("passwd"), user.passwd(), UTF_8));
        Path group = readable(Files.writeString(stateDir.resolve("group"), user.group(), UTF_8));
        Path seccomp = readable(SeccompFilter.compile(python3, stateDir.resolve("seccomp.bpf")).file());
        return new BackendFiles(seccomp, passwd, group);
    }

    private static Path readable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }
}
