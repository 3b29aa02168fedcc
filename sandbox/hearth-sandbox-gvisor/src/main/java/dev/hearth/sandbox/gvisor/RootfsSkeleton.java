package dev.hearth.sandbox.gvisor;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only root file system shared by every sandbox of one backend: a small directory tree
 * in the backend's state directory with the mount points of the bundle, a minimal {@code /etc}
 * ({@code passwd} and {@code group} naming only root and the sandbox user, {@code hosts},
 * {@code nsswitch.conf}) and, on merged-{@code /usr} hosts, the {@code /bin}, {@code /lib},
 * {@code /lib64}, {@code /sbin} symlinks into {@code /usr}. Everything else a runtime needs comes
 * from read-only bind mounts of the host ({@link Layout#hostBinds()}): {@code /usr}, the dynamic
 * loader's cache, the CA certificates and {@code resolv.conf}. Nothing else of the host's {@code /etc} (no
 * {@code shadow}), {@code /root}, {@code /home}, {@code /var} or Hearth's data is visible.
 *
 * <p>Thread-safe: {@link #ensure()} builds the tree once per instance.
 */
final class RootfsSkeleton {

    /** Where the Runtime API socket appears inside the sandbox. */
    static final String RUNTIME_API_SOCKET = "/hearth/runtime-api.sock";
    /** Top-level directories that are symlinks into {@code /usr} on merged hosts, else bound read-only. */
    private static final List<String> SYSTEM_DIRS = List.of("bin", "lib", "lib64", "sbin");
    /** Host files and directories of {@code /etc} bound read-only when present. */
    private static final List<String> ETC_BINDS = List.of("etc/ld.so.cache", "etc/ssl/certs", "etc/ssl/openssl.cnf",
            "etc/resolv.conf");
    private static final List<String> MOUNT_POINT_DIRS = List.of("usr", "proc", "dev", "tmp", "var/task", "var/runtime", "opt");

    /**
     * The skeleton as the bundle uses it.
     *
     * @param root the directory to give as the OCI {@code root.path} (read-only)
     * @param hostBinds host files and directories to bind read-only
     */
    record Layout(Path root, List<Bind> hostBinds) {
        Layout {
            hostBinds = List.copyOf(hostBinds);
        }
    }

    /** A host path bound read-only at {@code destination} (absolute, inside the sandbox). */
    record Bind(Path source, String destination) {}

    private final Path dir;
    private final Path hostRoot;
    private final int uid;
    private final int gid;
    private Layout layout;

    /**
     * @param dir where to build the skeleton (owned by the backend)
     * @param hostRoot the host's root ({@code /}; another directory in tests)
     * @param uid the sandbox user's uid, listed in {@code /etc/passwd}
     * @param gid the sandbox user's gid, listed in {@code /etc/group}
     */
    RootfsSkeleton(Path dir, Path hostRoot, int uid, int gid) {
        this.dir = dir;
        this.hostRoot = hostRoot;
        this.uid = uid;
        this.gid = gid;
    }

    /** Builds (or refreshes) the skeleton on the first call; later calls return the same layout. */
    synchronized Layout ensure() throws IOException {
        if (layout == null) {
            layout = build();
        }
        return layout;
    }

    private Layout build() throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(hostRoot.resolve("usr"), "/usr"));
        for (String name : MOUNT_POINT_DIRS) {
            Files.createDirectories(dir.resolve(name));
        }
        for (String name : SYSTEM_DIRS) {
            Path host = hostRoot.resolve(name);
            Path mine = dir.resolve(name);
            if (Files.isSymbolicLink(host)) {
                replaceSymlink(mine, Files.readSymbolicLink(host));
            } else if (Files.isDirectory(host)) {
                Files.createDirectories(mine);
                binds.add(new Bind(host, "/" + name));
            }
        }
        for (String name : ETC_BINDS) {
            Path host = hostRoot.resolve(name);
            Path mine = dir.resolve(name);
            Files.createDirectories(mine.getParent());
            if (Files.isDirectory(host)) {
                Files.createDirectories(mine);
                binds.add(new Bind(host, "/" + name));
            } else if (Files.isRegularFile(host)) {
                if (!Files.exists(mine, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createFile(mine);
                }
                binds.add(new Bind(host, "/" + name));
            }
        }
        Path localtime = hostRoot.resolve("etc/localtime");
        if (Files.isSymbolicLink(localtime)) {
            replaceSymlink(dir.resolve("etc/localtime"), Files.readSymbolicLink(localtime));
        }
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "sbx_user:x:" + uid + ":" + gid + ":Hearth sandbox:/tmp:/usr/sbin/nologin\n", UTF_8);
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\nsbx_user:x:" + gid + ":\n", UTF_8);
        Files.writeString(dir.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n", UTF_8);
        Files.writeString(dir.resolve("etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n", UTF_8);
        Path socket = dir.resolve(RUNTIME_API_SOCKET.substring(1));
        Files.createDirectories(socket.getParent());
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(socket);
        }
        return new Layout(dir, binds);
    }

    private static void replaceSymlink(Path link, Path target) throws IOException {
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
            return;
        }
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }
}
