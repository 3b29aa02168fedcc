package dev.hearth.sandbox.microvm;

import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound network of a microVM launched with network access, without the host's loopback: its QEMU
 * runs in a network namespace of its own ({@link #namespaceCommand}), and slirp4netns gives that
 * namespace {@code tap0} (10.0.2.100/24, default route through slirp4netns, MTU 65520) with outbound
 * TCP/UDP through the host's stack and {@code --disable-host-loopback}. The guest's connections go
 * guest → QEMU's user network → sockets in QEMU's namespace → {@code tap0} → slirp4netns → the host's
 * stack. QEMU's user network maps its whole virtual network 10.0.2.0/24 (the gateway 10.0.2.2
 * included) to the loopback of the namespace QEMU runs in, which is now this namespace's own, where
 * nothing listens; slirp4netns refuses the host's 127.0.0.0/8. The Runtime API forward is unaffected:
 * unix socket paths are not network-namespaced.
 *
 * <p>slirp4netns runs in its own mount namespace with a seccomp filter ({@code --enable-sandbox
 * --enable-seccomp}); it reports readiness on a pipe this class reads, and ends when its stdin (its
 * {@code --exit-fd}) closes: on {@link #close()}, which the backend calls when QEMU exits, or when
 * the JVM dies. Its messages go to {@code slirp4netns.log} in the sandbox's scratch directory.
 *
 * <p>Threading: {@link #close()} may be called from any thread, more than once.
 */
final class OutboundNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundNetwork.class);
    /** slirp4netns with its readiness on stdout (fd 3 → the pipe), its messages on stderr, its exit fd on stdin. */
    private static final String SLIRP = "exec slirp4netns --configure --mtu=65520 --disable-host-loopback"
            + " --enable-sandbox --enable-seccomp --ready-fd=3 --exit-fd=4 \"$1\" tap0 3>&1 1>&2 4<&0";

    private final Process slirp;
    private final Path log;
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();

    private OutboundNetwork(Process slirp, Path log) {
        this.slirp = slirp;
        this.log = log;
        HearthThreads.startVirtual("microvm-slirp4netns-ready-" + slirp.pid(), () -> {
            try (InputStream in = slirp.getInputStream()) {
                ready.complete(in.read());
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
    }

    /**
     * The command prefix that starts QEMU in a new network namespace ({@code unshare} execs QEMU, so
     * the process is QEMU's): {@code unshare --net} as root, otherwise inside a new user namespace
     * mapping the caller to root ({@code unshare --user --map-root-user --net}, which needs
     * unprivileged user namespaces).
     */
    static List<String> namespaceCommand(boolean hostRoot) {
        return hostRoot ? List.of("unshare", "--net", "--") : List.of("unshare", "--user", "--map-root-user", "--net", "--");
    }

    /** Whether this process runs as root (effective uid 0). */
    static boolean hostRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).strip().split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read /proc/self/status; assuming not root", e);
        }
        return false;
    }

    /**
     * Starts slirp4netns for the network namespace of {@code qemu} (started with
     * {@link #namespaceCommand} for the same {@code hostRoot}) once the process has entered it; does
     * not wait for slirp4netns to be ready ({@link #awaitReady}).
     *
     * @throws IOException when the process dies or does not enter its namespace within
     *     {@code timeout}, or slirp4netns cannot be started
     */
    static OutboundNetwork attach(Process qemu, boolean hostRoot, Path log, Duration timeout) throws IOException {
        awaitOwnNamespace(qemu, !hostRoot, timeout);
        Process slirp = new ProcessBuilder("/bin/sh", "-c", SLIRP, "sh", Long.toString(qemu.pid()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new OutboundNetwork(slirp, log);
    }

    /**
     * Waits until {@code tap0} is configured. The backend calls it before it lets the guest's CPUs
     * run (QEMU starts paused), so the guest never sends a packet before the network is up.
     *
     * @throws IOException when slirp4netns failed or did not become ready within {@code timeout}
     */
    void awaitReady(Duration timeout) throws IOException {
        int signal;
        try {
            signal = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for slirp4netns", e);
        } catch (ExecutionException e) {
            throw new IOException("slirp4netns failed: " + e.getCause().getMessage() + logTail(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("slirp4netns not ready within " + timeout + logTail(), e);
        }
        if (signal != '1') {
            throw new IOException("slirp4netns could not set up the network" + logTail());
        }
    }

    /** Ends slirp4netns (closing its exit fd; killing it should it linger). */
    @Override
    public void close() {
        try {
            slirp.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing slirp4netns's exit fd failed", e);
        }
        slirp.onExit().orTimeout(2, TimeUnit.SECONDS).exceptionally(timeout -> {
            slirp.destroyForcibly();
            return slirp;
        });
    }

    /** The host process id of slirp4netns. */
    long pid() {
        return slirp.pid();
    }

    /**
     * Waits until {@code process} has left this JVM's network namespace, and, in a new user
     * namespace, until unshare has written its uid and gid maps (which it does right after
     * unshare(2)): slirp4netns must join a namespace that is complete.
     */
    private static void awaitOwnNamespace(Process process, boolean userNamespace, Duration timeout) throws IOException {
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("QEMU (unshare) exited with status " + process.exitValue()
                        + " before entering its network namespace");
            }
            Path theirs = readLinkOrNull(proc.resolve("ns/net"));
            if (theirs != null && !theirs.equals(ours) && (!userNamespace
                    || !readOrEmpty(proc.resolve("uid_map")).isBlank() && !readOrEmpty(proc.resolve("gid_map")).isBlank())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("QEMU (unshare) did not enter a network namespace of its own within " + timeout);
            }
            LockSupport.parkNanos(500_000);
        }
    }

    private static Path readLinkOrNull(Path link) {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            return null;
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : "; slirp4netns said: "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "; no slirp4netns log (" + e.getMessage() + ")";
        }
    }
}
