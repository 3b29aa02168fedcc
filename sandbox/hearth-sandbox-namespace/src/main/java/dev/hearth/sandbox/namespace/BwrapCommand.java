package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The argv that starts one sandbox, in steps that each {@code exec} the next, so the sandbox's
 * first process keeps one pid throughout (with network access, {@link LaunchProgram} stays as its
 * parent). Step 1 is {@link #launchProcess}, done ahead of time by a {@link LaunchPool} process or
 * at the launch itself; its {@link LaunchProgram} then runs {@link #sandbox}, steps 2 to 5:
 * <ol>
 *   <li><b>Join the cgroup</b> ({@link #JOIN_CGROUP}, {@code /bin/sh} as Hearth's user): writes its
 *       own pid to the {@code cgroup.procs} of every pre-created hierarchy, then opens the seccomp
 *       program on fd 3. This is race-free: the process joins before it forks or execs anything, and
 *       every later process of the sandbox is its descendant, which the kernel puts in the same
 *       cgroup at fork. Nothing of the sandbox ever runs outside its limits. (One {@code dash}
 *       start, about 0.3 ms: the JVM cannot place a child in a cgroup before it runs, and cgroup v1
 *       has no {@code CLONE_INTO_CGROUP}.)</li>
 *   <li><b>Drop root</b> ({@code setpriv}, when Hearth is root): switches to the sandbox's own host
 *       uid and gid ({@link SandboxUids}) with no supplementary groups and {@code no_new_privs};
 *       bubblewrap maps them to the sandbox user inside ({@code --uid}, {@code --gid}).</li>
 *   <li><b>Build the sandbox</b> ({@code bwrap}, unprivileged): new user, mount, pid, ipc, uts,
 *       network and cgroup namespaces; a read-only root with only {@code /usr}, the host's
 *       {@code /bin}-style links, selected {@code /etc} files and generated {@code passwd}/{@code group};
 *       the task root at {@code /var/task}, the runtime at {@code /var/runtime} and the layers at
 *       {@code /opt} read-only; at {@code /tmp} a disk-backed {@link TmpVolumes} file system of at least
 *       {@code ephemeralStorageMb} (a tmpfs of that size when Hearth is not root); its own {@code /proc} and a minimal {@code /dev};
 *       the Runtime API socket at {@link #RUNTIME_API_SOCKET}; no capabilities, a new session, no
 *       further user namespaces, the seccomp filter (compiled once per backend, loaded from fd 3);
 *       dies with Hearth.</li>
 *   <li><b>Network</b> (only with {@code networkAccess}; {@link LaunchProgram}): slirp4netns
 *       gives the sandbox {@code tap0} with outbound TCP/UDP through the host's stack.</li>
 *   <li><b>Open the Runtime API and start the runtime</b> ({@link RuntimeApiLauncher}, perl inside):
 *       listens on {@code 127.0.0.1:9001}, starts the forwarder on that listening socket, reads the
 *       runtime's command and the function's environment from stdin (a {@link StemCells} cell waits
 *       there until it is claimed), and execs the command with exactly that environment. The port
 *       listens before the runtime starts, and nothing waits for the forwarder: a first connection
 *       waits in the listen backlog until it accepts.</li>
 * </ol>
 * The host-side steps (sh, setpriv, bwrap) run with {@link #HOST_ENVIRONMENT} only: the function's
 * environment (which may name {@code LD_PRELOAD} or {@code LD_LIBRARY_PATH}) never reaches a process
 * running on the host's file system, let alone as root; it travels on stdin
 * ({@link RuntimeApiLauncher#request}) and, unlike argv, is never visible in the host's process list.
 * Stateless.
 */
final class BwrapCommand {

    /** The directory of {@link #RUNTIME_API_SOCKET}, bind-mounted whole into stem cells. */
    static final String RUNTIME_API_DIRECTORY = "/run/hearth";
    /** Where the Runtime API's unix socket appears inside the sandbox. */
    static final String RUNTIME_API_SOCKET = RUNTIME_API_DIRECTORY + "/runtime-api.sock";
    /** The loopback port the Runtime API is forwarded to inside the sandbox. */
    static final int RUNTIME_API_PORT = RuntimeApiLauncher.PORT;
    /** Status of a sandbox whose launch steps failed before the runtime's command ran. */
    static final int LAUNCH_FAILED = RuntimeApiLauncher.LAUNCH_FAILED;
    /** The whole environment of the host-side launch steps. */
    static final Map<String, String> HOST_ENVIRONMENT = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");

    /** Step 1. Arguments: the seccomp file, the cgroup.procs files, {@code --}, the next step. */
    static final String JOIN_CGROUP = """
            bpf=$1; shift
            while [ "$1" != -- ]; do
              echo $$ > "$1" || { echo "hearth: cannot join cgroup $1" >&2; exit 125; }
              shift
            done
            shift
            exec "$@" 3< "$bpf"
            """;

    /** Host files under {@code /etc} that runtimes need (dynamic linker, TLS roots, name resolution, time zone). */
    static final List<String> ETC_FILES = List.of(
            "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ssl", "/etc/ca-certificates",
            "/etc/pki", "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/localtime",
            "/etc/alternatives", "/etc/mime.types", "/etc/host.conf", "/etc/gai.conf");

    /** Top-level host entries mirrored as they are (symlinks into {@code /usr} on merged-/usr hosts). */
    static final List<String> ROOT_ENTRIES = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");

    private BwrapCommand() {}

    /** bwrap arguments exposing {@code /usr} read-only and mirroring {@link #ROOT_ENTRIES} as on the host. */
    static List<String> systemDirectories() throws IOException {
        List<String> args = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr"));
        for (String entry : ROOT_ENTRIES) {
            Path path = Path.of(entry);
            if (Files.isSymbolicLink(path)) {
                args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), entry));
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", entry, entry));
            }
        }
        return args;
    }

    /**
     * The argv of a launch process: joins {@code cgroup} (step 1), opens the seccomp program on fd 3,
     * then runs {@link LaunchProgram}, which waits on stdin for its request.
     */
    static List<String> launchProcess(Path perl, BackendFiles files, SandboxCgroup cgroup) {
        List<String> argv = new ArrayList<>(List.of(HostTools.SH.toString(), "-c", JOIN_CGROUP, "hearth-join-cgroup",
                files.seccomp().toString()));
        cgroup.procsFiles().forEach(procs -> argv.add(procs.toString()));
        argv.addAll(List.of("--", perl.toString(), "-e", LaunchProgram.PROGRAM));
        return argv;
    }

    /**
     * What one sandbox's bubblewrap mounts and unshares.
     *
     * @param taskRoot host directory shown read-only at {@code /var/task}
     * @param runtimeRoot host directory shown read-only at {@code /var/runtime}
     * @param runtimeApi the Runtime API socket's host path, shown at {@link #RUNTIME_API_SOCKET}; or,
     *     with {@code runtimeApiDirectory}, the host directory that holds (or will hold) it as
     *     {@code runtime-api.sock}, shown at {@link #RUNTIME_API_DIRECTORY}
     * @param ephemeralStorageMb size of the private {@code /tmp}
     * @param networkAccess whether slirp4netns gives the sandbox outside networks
     * @param optRoot host directory shown read-only at {@code /opt} (the layers); empty: no {@code /opt}
     * @param tmpVolume a mounted {@link TmpVolumes} volume bound read-write at {@code /tmp}; empty: a
     *     tmpfs of {@code ephemeralStorageMb} (counted against the sandbox's memory)
     * @param hostUid the sandbox's own host uid and gid ({@link SandboxUids}), which root drops to and
     *     bubblewrap maps to the sandbox user inside; empty: the sandbox user's own ids on the host
     */
    record Layout(Path taskRoot, Path runtimeRoot, Path runtimeApi, boolean runtimeApiDirectory, long ephemeralStorageMb,
            boolean networkAccess, Optional<Path> optRoot, Optional<Path> tmpVolume, OptionalInt hostUid) {

        /** The layout of a sandbox launched for {@code spec} with its Runtime API socket at {@code socket}. */
        static Layout of(SandboxSpec spec, Path socket, Optional<Path> tmpVolume, OptionalInt hostUid) {
            return new Layout(spec.taskRoot(), spec.runtimeRoot(), socket, false, spec.limits().ephemeralStorageMb(),
                    spec.networkAccess(), spec.optRoot(), tmpVolume, hostUid);
        }
    }

    /**
     * Steps 2 to 5: from dropping root to the launcher, which then waits for the runtime's command
     * and environment on stdin ({@link RuntimeApiLauncher#request}); expects the seccomp program on
     * fd 3 (and, with network access, bubblewrap's info and block descriptors on fds 4 and 5).
     *
     * @param tools host tools, none missing
     * @param files the passwd, group and seccomp files of the backend
     */
    static List<String> sandbox(HostTools tools, SandboxUser user, BackendFiles files, Layout layout) throws IOException {
        List<String> argv = new ArrayList<>();
        boolean ownUid = user.dropFromRoot() && layout.hostUid().isPresent();
        if (user.dropFromRoot()) {
            int uid = ownUid ? layout.hostUid().getAsInt() : user.uid();
            int gid = ownUid ? layout.hostUid().getAsInt() : user.gid();
            argv.addAll(List.of(tools.setpriv().orElseThrow().toString(), "--reuid=" + uid,
                    "--regid=" + gid, "--clear-groups", "--no-new-privs", "--"));
        }
        argv.add(tools.bwrap().orElseThrow().toString());
        if (ownUid) {
            argv.addAll(List.of("--uid", Integer.toString(user.uid()), "--gid", Integer.toString(user.gid())));
        }
        argv.addAll(List.of("--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--hostname", "sandbox"));
        argv.addAll(systemDirectories());
        for (String entry : ETC_FILES) {
            argv.addAll(List.of("--ro-bind-try", entry, entry));
        }
        argv.addAll(List.of("--ro-bind", files.passwd().toString(), "/etc/passwd"));
        argv.addAll(List.of("--ro-bind", files.group().toString(), "/etc/group"));
        argv.addAll(List.of("--ro-bind", layout.taskRoot().toString(), NamespaceSandboxBackend.TASK_ROOT));
        argv.addAll(List.of("--ro-bind", layout.runtimeRoot().toString(), NamespaceSandboxBackend.RUNTIME_ROOT));
        if (layout.optRoot().isPresent()) {
            argv.addAll(List.of("--ro-bind", layout.optRoot().get().toString(), NamespaceSandboxBackend.OPT_ROOT));
        }
        argv.addAll(List.of("--ro-bind", layout.runtimeApi().toString(),
                layout.runtimeApiDirectory() ? RUNTIME_API_DIRECTORY : RUNTIME_API_SOCKET));
        argv.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        if (layout.tmpVolume().isPresent()) {
            argv.addAll(List.of("--bind", layout.tmpVolume().get().toString(), NamespaceSandboxBackend.TMP_DIR));
        } else {
            argv.addAll(List.of("--size", Long.toString(layout.ephemeralStorageMb() * 1024L * 1024L),
                    "--perms", "1777", "--tmpfs", NamespaceSandboxBackend.TMP_DIR));
        }
        argv.addAll(List.of("--remount-ro", "/", "--chdir", NamespaceSandboxBackend.TASK_ROOT, "--seccomp", "3"));
        if (layout.networkAccess()) {
            argv.addAll(List.of("--info-fd", "4", "--block-fd", "5"));
        }
        argv.add("--");
        argv.addAll(RuntimeApiLauncher.argv(tools.perl().orElseThrow(), RUNTIME_API_SOCKET));
        return argv;
    }
}
