package dev.hearth.sandbox.process;

import dev.hearth.sandbox.spi.SandboxLaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes host directories look to a process sandbox as Lambda's would: task and runtime roots
 * readable but not writable, a private writable {@code tmp}. With an {@link SandboxIdentity.Unprivileged}
 * identity it checks the permission bits (and fails the launch, naming the directory and the fix,
 * when the sandbox user could not reach a root or could write it); with {@link SandboxIdentity.HearthUser}
 * it removes write permission from the roots, since the sandbox runs as their owner.
 */
final class HostPathAccess {

    private static final int READ = 4;
    private static final int WRITE = 2;
    private static final int EXECUTE = 1;

    private HostPathAccess() {}

    /**
     * Prepares the roots for a sandbox of {@code identity}; creates and returns the private tmp.
     * {@code optRoot} is the layers' tree (checked like the task root), or {@link #emptyOptDir} of
     * the scratch directory, which this creates.
     */
    static Path prepare(SandboxIdentity identity, Path taskRoot, Path runtimeRoot, Path scratchDir, Path optRoot)
            throws SandboxLaunchException {
        Path tmp = tmpDir(scratchDir);
        try {
            if (optRoot.equals(emptyOptDir(scratchDir))) {
                Files.createDirectories(optRoot);
                Files.setPosixFilePermissions(optRoot, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
            switch (identity) {
                case SandboxIdentity.Unprivileged(int uid, int gid) -> {
                    requireReadOnlyReach(taskRoot, "task root", uid, gid);
                    requireReadOnlyReach(runtimeRoot, "runtime root", uid, gid);
                    requireReadOnlyReach(optRoot, "layers' directory", uid, gid);
                    requireAncestorsTraversable(scratchDir, "scratch directory", uid, gid);
                    Files.createDirectories(tmp);
                    addOthersExecute(scratchDir);
                    Files.setAttribute(tmp, "unix:uid", uid);
                    Files.setAttribute(tmp, "unix:gid", gid);
                    Files.setPosixFilePermissions(tmp, EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
                }
                case SandboxIdentity.HearthUser _ -> {
                    removeWritePermission(taskRoot);
                    removeWritePermission(runtimeRoot);
                    removeWritePermission(optRoot);
                    Files.createDirectories(tmp);
                    Files.setPosixFilePermissions(tmp, EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
                }
            }
        } catch (IOException e) {
            throw new SandboxLaunchException("cannot prepare the sandbox's directories under " + scratchDir + ": " + e, e);
        }
        return tmp;
    }

    /** The private {@code tmp} of a sandbox: {@code scratchDir/tmp}. */
    static Path tmpDir(Path scratchDir) {
        return scratchDir.resolve("tmp");
    }

    /**
     * The empty directory standing for {@code /opt} when a sandbox has no layers:
     * {@code scratchDir/opt}.
     */
    static Path emptyOptDir(Path scratchDir) {
        return scratchDir.resolve("opt");
    }

    private static void requireReadOnlyReach(Path root, String what, int uid, int gid)
            throws IOException, SandboxLaunchException {
        requireAncestorsTraversable(root, what, uid, gid);
        if (!allows(root, uid, gid, READ | EXECUTE)) {
            throw new SandboxLaunchException("the " + what + " " + root + " is not readable by the sandbox user "
                    + uid + ":" + gid + " (" + describe(root) + "); make it readable by others (chmod o+rx)");
        }
        if (allows(root, uid, gid, WRITE)) {
            throw new SandboxLaunchException("the " + what + " " + root + " would be writable by the sandbox user "
                    + uid + ":" + gid + " (" + describe(root) + "); remove write permission (chmod go-w)");
        }
    }

    private static void requireAncestorsTraversable(Path dir, String what, int uid, int gid)
            throws IOException, SandboxLaunchException {
        Path absolute = dir.toAbsolutePath();
        for (Path ancestor = absolute.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            if (!allows(ancestor, uid, gid, EXECUTE)) {
                throw new SandboxLaunchException("the sandbox user " + uid + ":" + gid + " cannot reach the " + what
                        + " " + dir + ": " + ancestor + " is not searchable (" + describe(ancestor)
                        + "); make Hearth's data directories world-searchable (chmod o+x)");
            }
        }
    }

    /** Whether {@code uid:gid} (with no supplementary groups) has all of {@code bits} on {@code path}. */
    private static boolean allows(Path path, int uid, int gid, int bits) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        int owner = (Integer) Files.getAttribute(path, "unix:uid");
        int group = (Integer) Files.getAttribute(path, "unix:gid");
        int shift = owner == uid ? 6 : group == gid ? 3 : 0;
        return ((mode >> shift) & bits) == bits;
    }

    private static String describe(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        return "mode " + Integer.toOctalString(mode & 07777) + ", owner " + Files.getAttribute(path, "unix:uid")
                + ":" + Files.getAttribute(path, "unix:gid");
    }

    private static void addOthersExecute(Path dir) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
            Files.setPosixFilePermissions(dir, permissions);
        }
    }

    /** Removes every write bit under {@code root}; skipped when the root itself is already read-only. */
    private static void removeWritePermission(Path root) throws IOException {
        if (!hasWriteBit(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                if (!Files.isSymbolicLink(path) && hasWriteBit(path)) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                    permissions.removeAll(EnumSet.of(PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
                    Files.setPosixFilePermissions(path, permissions);
                }
            }
        }
    }

    private static boolean hasWriteBit(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        return permissions.contains(PosixFilePermission.OWNER_WRITE)
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }
}
