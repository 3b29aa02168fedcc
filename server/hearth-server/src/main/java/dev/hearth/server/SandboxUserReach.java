package dev.hearth.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks at start-up that a backend's unprivileged sandbox user can reach the data directory,
 * below which lie the packages, runtimes and Runtime API sockets its sandboxes open: every
 * directory on the way must be searchable by that user. Without this check a data directory under,
 * say, a {@code mktemp -d} directory (mode 700, owned by root) fails only at the first invocation.
 *
 * <p>Hearth does not widen the permissions of directories above its data directory itself: that
 * would quietly open, for example, root's home to every user. It refuses to start instead, naming
 * the directory and the {@code chmod} that fixes it. Looks at mode bits, owners and groups (not
 * ACLs), as the kernel does for a user without supplementary groups. Stateless.
 */
final class SandboxUserReach {
    private static final int SEARCH = 1;

    /** An unprivileged uid and gid. */
    record User(int uid, int gid) {}

    private SandboxUserReach() {}

    /**
     * @throws StartupRefusal naming the first directory on the way to {@code dataDir} (itself
     *     included) that {@code user} cannot search, and the fix
     */
    static void require(Path dataDir, User user, String backend) {
        Path real;
        try {
            real = dataDir.toRealPath();
        } catch (IOException e) {
            throw new StartupRefusal("cannot resolve the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Path current = real.getRoot();
        for (Path part : real) {
            current = current.resolve(part);
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(current, "unix:mode,uid,gid");
            } catch (IOException e) {
                throw new StartupRefusal("cannot read the permissions of " + current + ": " + e.getMessage(), e);
            }
            if ((granted(attributes, user) & SEARCH) == 0) {
                throw new StartupRefusal("the " + backend + " backend's sandbox user " + user.uid() + ":" + user.gid()
                        + " cannot reach the data directory " + dataDir + ": " + current + " is not searchable by it (mode "
                        + Integer.toOctalString((Integer) attributes.get("mode") & 07777) + ", owner " + attributes.get("uid")
                        + ":" + attributes.get("gid") + "); fix: chmod " + who(attributes, user) + "+x " + current
                        + ", or choose a --data-dir it can reach (root's default is /var/lib/hearth)");
            }
        }
    }

    /** Which class of {@code chmod} applies to {@code user}: u, g or o. */
    private static String who(Map<String, Object> attributes, User user) {
        if ((Integer) attributes.get("uid") == user.uid()) {
            return "u";
        }
        return (Integer) attributes.get("gid") == user.gid() ? "g" : "o";
    }

    /** The rwx bits (as 0-7) that apply to {@code user} for a file with these attributes. */
    private static int granted(Map<String, Object> attributes, User user) {
        int mode = (Integer) attributes.get("mode");
        if ((Integer) attributes.get("uid") == user.uid()) {
            return (mode >> 6) & 7;
        }
        if ((Integer) attributes.get("gid") == user.gid()) {
            return (mode >> 3) & 7;
        }
        return mode & 7;
    }

    /** Whether this JVM's effective uid is 0 (from {@code /proc/self/status}). */
    static boolean hearthRunsAsRoot() {
        Path status = Path.of("/proc/self/status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]) == 0;
                }
            }
        } catch (IOException e) {
            throw new StartupRefusal("cannot read " + status + " to find out whether Hearth runs as root: " + e.getMessage(), e);
        }
        throw new StartupRefusal("no Uid line in " + status + ": is /proc mounted?");
    }
}
