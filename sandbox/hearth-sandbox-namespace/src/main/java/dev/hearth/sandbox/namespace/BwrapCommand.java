package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The argv that starts one sandbox, in three steps that each {@code exec} the next, so the
 * sandbox's first process keeps one pid throughout:
 * <ol>
 *   <li><b>Join the cgroup</b> ({@link #JOIN_CGROUP}, {@code /bin/sh} as Hearth's user): writes its
 *       own pid to the {@code cgroup.procs} of every pre-created hierarchy, then opens the seccomp
 *       program on fd 3. This is race-free: the process joins before it forks or execs anything, and
 *       every later process of the sandbox is its descendant, which the kernel puts in the same
 *       cgroup at fork. Nothing of the sandbox ever runs outside its limits.</li>
 *   <li><b>Drop root</b> ({@code setpriv}, when Hearth is root): switches to the sandbox user with
 *       no supplementary groups and {@code no_new_privs}.</li>
 *   <li><b>Build the sandbox</b> ({@code bwrap}, unprivileged): new user, mount, pid, ipc, uts,
 *       network and cgroup namespaces; a read-only root with only {@code /usr}, the host's
 *       {@code /bin}-style links, selected {@code /etc} files and generated {@code passwd}/{@code group};
 *       the task root at {@code /var/task} and the runtime at {@code /var/runtime} read-only; a tmpfs
 *       {@code /tmp} of {@code ephemeralStorageMb}; its own {@code /proc} and a minimal {@code /dev};
 *       the Runtime API socket at {@link #RUNTIME_API_SOCKET}; no capabilities, a new session, no
 *       further user namespaces, the seccomp filter; dies with Hearth.</li>
 *   <li><b>Network</b> (only with {@code networkAccess}; {@link #JOIN_CGROUP_WITH_NETWORK}): slirp4netns
 *       gives the sandbox {@code tap0} with outbound TCP/UDP through the host's stack, and the
 *       sandbox's command starts only once that is up.</li>
 *   <li><b>Forward the Runtime API</b> ({@link #FORWARD_RUNTIME_API}, {@code /bin/sh} inside): starts
 *       socat on {@code 127.0.0.1:9001} (detached, so the runtime never reaps it), waits until the
 *       port is listening (reading {@code /proc/net/tcp} with shell built-ins), then execs the
 *       runtime's command. A command that cannot be executed ends with the shell's 127 and names it.</li>
 * </ol>
 * Stateless.
 */
final class BwrapCommand {

    /** Where the Runtime API's unix socket appears inside the sandbox. */
    static final String RUNTIME_API_SOCKET = "/run/hearth/runtime-api.sock";
    /** The loopback port the Runtime API is forwarded to inside the sandbox. */
    static final int RUNTIME_API_PORT = 9001;
    /** Status of a sandbox whose launch steps failed before the runtime's command ran. */
    static final int LAUNCH_FAILED = 125;

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

    /**
     * Step 1 for a sandbox with network access. Arguments: the seccomp file, a directory for four
     * FIFOs, the cgroup.procs files, {@code --}, the next step (whose bubblewrap has
     * {@code --info-fd 4 --block-fd 5}). After joining the cgroup it starts the next step in the
     * background, reads the sandbox's pid from bubblewrap's info, starts slirp4netns on the
     * sandbox's network namespace ({@code tap0}, 10.0.2.0/24, host loopback unreachable, its own
     * mount namespace and seccomp filter), waits until slirp4netns is ready, unblocks the sandbox, and
     * waits for it. slirp4netns ends when this shell does (its exit FIFO closes). Every FIFO is
     * opened in the same order on both sides, so none of the opens can deadlock; the info FIFO is
     * read to the end of bubblewrap's JSON and never closed early (bubblewrap would die of SIGPIPE).
     */
    static final String JOIN_CGROUP_WITH_NETWORK = """
            bpf=$1; dir=$2; shift 2
            while [ "$1" != -- ]; do
              echo $$ > "$1" || { echo "hearth: cannot join cgroup $1" >&2; exit 125; }
              shift
            done
            shift
            /usr/bin/mkfifo -m 600 "$dir/hearth-info" "$dir/hearth-block" "$dir/hearth-ready" "$dir/hearth-exit" \
              || { echo "hearth: cannot create FIFOs in $dir" >&2; exit 125; }
            "$@" 3< "$bpf" 4> "$dir/hearth-info" 5< "$dir/hearth-block" &
            sandbox=$!
            exec 6< "$dir/hearth-info" 7> "$dir/hearth-block"
            pid=
            while read -r line <&6; do
              case "$line" in
                *'"child-pid"'*) pid=${line#*: }; pid=${pid%,} ;;
                '}') break ;;
              esac
            done
            if [ -z "$pid" ]; then
              /usr/bin/rm -f "$dir/hearth-info" "$dir/hearth-block" "$dir/hearth-ready" "$dir/hearth-exit"
              wait "$sandbox"; exit $?
            fi
            /usr/bin/slirp4netns --configure --mtu=65520 --disable-host-loopback --enable-sandbox --enable-seccomp \
              --netns-type=path --ready-fd=3 --exit-fd=4 "/proc/$pid/ns/net" tap0 \
              3> "$dir/hearth-ready" 4< "$dir/hearth-exit" < /dev/null > /dev/null 2>&1 &
            exec 8< "$dir/hearth-ready" 9> "$dir/hearth-exit"
            read -r ready <&8
            exec 8<&-
            /usr/bin/rm -f "$dir/hearth-info" "$dir/hearth-block" "$dir/hearth-ready" "$dir/hearth-exit"
            [ "$ready" = 1 ] || { echo "hearth: slirp4netns could not set up the sandbox's network" >&2; exit 125; }
            echo go >&7
            exec 7>&-
            wait "$sandbox"
            """;

    /** Step 4. Arguments: the runtime's command. */
    static final String FORWARD_RUNTIME_API = """
            unset PWD OLDPWD
            forwarder=$(/usr/bin/socat TCP-LISTEN:9001,bind=127.0.0.1,reuseaddr,fork,nodelay \
            UNIX-CONNECT:/run/hearth/runtime-api.sock </dev/null >/dev/null & echo $!)
            listening() {
              while read -r _ local _ state _; do
                [ "$local" = 0100007F:2329 ] && [ "$state" = 0A ] && return 0
              done < /proc/net/tcp
              return 1
            }
            tries=0
            until listening; do
              tries=$((tries + 1))
              if [ "$tries" -gt 100000 ] || ! kill -0 "$forwarder" 2>/dev/null; then
                echo "hearth: the Runtime API forwarder (socat) did not start listening on 127.0.0.1:9001" >&2
                exit 125
              fi
            done
            exec "$@"
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
     * The full argv.
     *
     * @param tools host tools, none missing
     * @param files the passwd, group and seccomp files of the backend
     * @param socket host path of the sandbox's Runtime API socket
     */
    static List<String> argv(HostTools tools, SandboxUser user, BackendFiles files, SandboxSpec spec,
            SandboxCgroup cgroup, Path socket) throws IOException {
        List<String> argv = new ArrayList<>(List.of(HostTools.SH.toString(), "-c",
                spec.networkAccess() ? JOIN_CGROUP_WITH_NETWORK : JOIN_CGROUP, "hearth-join-cgroup",
                files.seccomp().toString()));
        if (spec.networkAccess()) {
            argv.add(spec.scratchDir().toString());
        }
        cgroup.procsFiles().forEach(procs -> argv.add(procs.toString()));
        argv.add("--");
        if (user.dropFromRoot()) {
            argv.addAll(List.of(tools.setpriv().orElseThrow().toString(), "--reuid=" + user.uid(),
                    "--regid=" + user.gid(), "--clear-groups", "--no-new-privs", "--"));
        }
        argv.add(tools.bwrap().orElseThrow().toString());
        argv.addAll(List.of("--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--hostname", "sandbox"));
        argv.addAll(systemDirectories());
        for (String entry : ETC_FILES) {
            argv.addAll(List.of("--ro-bind-try", entry, entry));
        }
        argv.addAll(List.of("--ro-bind", files.passwd().toString(), "/etc/passwd"));
        argv.addAll(List.of("--ro-bind", files.group().toString(), "/etc/group"));
        argv.addAll(List.of("--ro-bind", spec.taskRoot().toString(), NamespaceSandboxBackend.TASK_ROOT));
        argv.addAll(List.of("--ro-bind", spec.runtimeRoot().toString(), NamespaceSandboxBackend.RUNTIME_ROOT));
        argv.addAll(List.of("--ro-bind", socket.toString(), RUNTIME_API_SOCKET));
        argv.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        argv.addAll(List.of("--size", Long.toString(spec.limits().ephemeralStorageMb() * 1024L * 1024L),
                "--perms", "1777", "--tmpfs", NamespaceSandboxBackend.TMP_DIR));
        argv.addAll(List.of("--remount-ro", "/", "--chdir", NamespaceSandboxBackend.TASK_ROOT, "--seccomp", "3"));
        if (spec.networkAccess()) {
            argv.addAll(List.of("--info-fd", "4", "--block-fd", "5"));
        }
        argv.add("--");
        argv.addAll(List.of(HostTools.SH.toString(), "-c", FORWARD_RUNTIME_API, "hearth-runtime-api"));
        argv.addAll(spec.command());
        return argv;
    }
}
