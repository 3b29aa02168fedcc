package dev.hearth.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks, before a launch, that the sandbox user will be able to reach the host paths that
 * bubblewrap bind-mounts as that user; otherwise bubblewrap would fail inside the sandbox with a
 * less helpful message. Looks at mode bits, owners and groups (not ACLs) as the kernel does for a
 * user without supplementary groups. Stateless.
 */
final class HostPathAccess {

    private static final int READ = 4;
    private static final int SEARCH = 1;

    private HostPathAccess() {}

    /**
     * Requires every directory above {@code path} to be searchable by {@code user}, and {@code path}
     * itself to be readable (and, if a directory, searchable).
     *
     * @throws IOException naming the first path that is not, and the fix
     */
    static void requireReachable(Path path, SandboxUser user) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path current = absolute.getRoot();
        for (Path part : absolute) {
            current = current.resolve(part);
            Map<String, Object> attributes = Files.readAttributes(current, "unix:mode,uid,gid,isDirectory");
            int granted = granted(attributes, user);
            boolean last = current.equals(absolute);
            if ((!last || (Boolean) attributes.get("isDirectory")) && (granted & SEARCH) == 0) {
                throw new IOException(current + " is not searchable by the sandbox user " + user.uid()
                        + " (fix: chmod o+x " + current + ")");
            }
            if (last && (granted & READ) == 0) {
                throw new IOException(current + " is not readable by the sandbox user " + user.uid()
                        + " (fix: chmod o+r " + current + ")");
            }
        }
    }

    /** The rwx bits (as 0-7) that apply to {@code user} for a file with these attributes. */
    private static int granted(Map<String, Object> attributes, SandboxUser user) {
        int mode = (Integer) attributes.get("mode");
        if ((Integer) attributes.get("uid") == user.uid()) {
            return (mode >> 6) & 7;
        }
        if ((Integer) attributes.get("gid") == user.gid()) {
            return (mode >> 3) & 7;
        }
        return mode & 7;
    }
}
