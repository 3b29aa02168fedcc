package dev.hearth.sandbox.namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who function code runs as: when Hearth runs as root, the configured unprivileged uid and gid
 * (root drops to it with {@code setpriv} before bubblewrap starts, so the sandbox's user namespace
 * maps that uid to itself and nothing inside is ever root on the host); otherwise Hearth's own uid
 * and gid, which are unprivileged already. Immutable.
 *
 * @param uid the uid inside and outside the sandbox
 * @param gid the gid inside and outside the sandbox
 * @param dropFromRoot whether the launch must switch from root to this user
 */
record SandboxUser(int uid, int gid, boolean dropFromRoot) {

    static SandboxUser forThisProcess(NamespaceSandboxSettings settings) {
        int[] ids = effectiveIds();
        return ids[0] == 0
                ? new SandboxUser(settings.sandboxUid(), settings.sandboxGid(), true)
                : new SandboxUser(ids[0], ids[1], false);
    }

    /** The {@code /etc/passwd} the sandbox sees: root and the sandbox user, as in Lambda ({@code sbx_user1051}). */
    String passwd() {
        return "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "sbx_user1051:x:" + uid + ":" + gid + ":Hearth sandbox user:/tmp:/usr/sbin/nologin\n";
    }

    /** The {@code /etc/group} the sandbox sees. */
    String group() {
        return "root:x:0:\n" + "sbx_user1051:x:" + gid + ":\n";
    }

    /** This process's effective uid and gid, from {@code /proc/self/status}. */
    static int[] effectiveIds() {
        try {
            Optional<Integer> uid = Optional.empty();
            Optional<Integer> gid = Optional.empty();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Optional.of(Integer.parseInt(line.split("\\s+")[2]));
                } else if (line.startsWith("Gid:")) {
                    gid = Optional.of(Integer.parseInt(line.split("\\s+")[2]));
                }
            }
            return new int[] {uid.orElseThrow(), gid.orElseThrow()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this process's uid from /proc/self/status", e);
        }
    }
}
