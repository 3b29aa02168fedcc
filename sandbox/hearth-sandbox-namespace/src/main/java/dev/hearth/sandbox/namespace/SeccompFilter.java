package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The seccomp filter every sandbox runs under, compiled to a classic BPF program by libseccomp
 * (Debian {@code python3-seccomp}, the library's own python binding) once per backend, and handed to
 * bubblewrap with {@code --seccomp FD}, which installs it just before the function's command runs.
 *
 * <p>Policy: allow by default; fail with {@code EPERM} the system calls a function has no business
 * making ({@link #BLOCKED}), and {@code clone} with any {@code CLONE_NEW*} namespace flag;
 * {@code clone3} fails with {@code ENOSYS} so that the C library falls back to {@code clone}, whose
 * flags a classic filter can inspect. A call from a foreign architecture or the x32 ABI kills the
 * process (libseccomp's default for architectures not in the filter). Immutable.
 */
final class SeccompFilter {

    /** System calls that fail with EPERM inside every sandbox (names unknown on this architecture are skipped). */
    static final List<String> BLOCKED = List.of(
            // file systems and namespaces
            "mount", "umount", "umount2", "pivot_root", "chroot", "unshare", "setns", "fsopen", "fsconfig",
            "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr", "open_by_handle_at",
            "name_to_handle_at", "quotactl", "quotactl_fd",
            // the kernel and the machine
            "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
            "swapon", "swapoff", "syslog", "acct", "iopl", "ioperm", "sethostname", "setdomainname",
            "lookup_dcookie", "vhangup", "uselib",
            // time
            "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime",
            // other processes, keys, tracing, BPF
            "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "keyctl", "add_key", "request_key",
            "bpf", "perf_event_open", "userfaultfd", "fanotify_init", "io_uring_setup", "io_uring_enter",
            "io_uring_register");

    /** The python program that writes the BPF program to {@code argv[1]}. */
    private static final String GENERATOR = """
            import errno, sys
            import seccomp
            blocked, out = sys.argv[2:], sys.argv[1]
            f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
            for name in blocked:
                try:
                    f.add_rule(seccomp.ERRNO(errno.EPERM), name)
                except (RuntimeError, ValueError):
                    pass  # not a system call on this architecture
            # CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME
            for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x00000080):
                f.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
            f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
            with open(out, "wb") as o:
                f.export_bpf(o)
            """;

    private final Path file;

    private SeccompFilter(Path file) {
        this.file = file;
    }

    /** The compiled program, readable by the sandbox user (bubblewrap reads it as that user). */
    Path file() {
        return file;
    }

    /**
     * Compiles the filter into {@code file} with {@code python3}.
     *
     * @throws IOException naming the fix when libseccomp's python binding is missing or fails
     */
    static SeccompFilter compile(Path python3, Path file) throws IOException {
        List<String> argv = new ArrayList<>(List.of(python3.toString(), "-I", "-c", GENERATOR, file.toString()));
        argv.addAll(BLOCKED);
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("compiling the seccomp filter with " + python3 + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted compiling the seccomp filter", e);
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(file) || Files.size(file) == 0) {
            throw new IOException("compiling the seccomp filter failed (python3-seccomp: apt-get install python3-seccomp): "
                    + output.strip());
        }
        return new SeccompFilter(file);
    }
}
