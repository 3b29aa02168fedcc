package dev.hearth.sandbox.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which user a process sandbox's code runs as. Chosen once per backend from Hearth's own user. */
sealed interface SandboxIdentity {

    /**
     * Hearth runs as root: sandboxes drop to this unprivileged user and group (via {@code setpriv}),
     * because root would ignore the permissions that keep the task root read-only.
     */
    record Unprivileged(int uid, int gid) implements SandboxIdentity {}

    /**
     * Hearth runs as an ordinary user: sandboxes run as that same user; the task and runtime roots
     * are kept read-only by their permission bits only (the sandbox could change them back).
     */
    record HearthUser(int uid) implements SandboxIdentity {}

    /** The effective uid of this JVM, from {@code /proc/self/status}. */
    static int effectiveUid() {
        Path status = Path.of("/proc/self/status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
        throw new IllegalStateException("no Uid line in " + status);
    }

    static SandboxIdentity forThisJvm(ProcessSandboxSettings settings) {
        int uid = effectiveUid();
        return uid == 0 ? new Unprivileged(settings.unprivilegedUid(), settings.unprivilegedGid()) : new HearthUser(uid);
    }
}
