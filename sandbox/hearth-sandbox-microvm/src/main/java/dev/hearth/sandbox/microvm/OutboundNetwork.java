package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.AddressRange;
import dev.hearth.sandbox.spi.HostAddresses;
import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * nothing listens; slirp4netns refuses the host's 127.0.0.0/8. Before slirp4netns starts, the
 * backend's {@link OutboundPolicy} is installed in that namespace as nftables rules ({@link #ruleset}):
 * QEMU's sockets, which carry every guest connection, cannot reach any address of the host, nor a
 * private range the policy does not allow. The Runtime API forward is unaffected: unix socket paths
 * are not network-namespaced.
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

    private static final List<Path> TOOL_DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"),
            Path.of("/bin"));
    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final InetAddress SLIRP_GATEWAY = AddressRange.parse("10.0.2.2").network();
    private static final InetAddress SLIRP_DNS = AddressRange.parse("10.0.2.3").network();

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
     * Once {@code qemu} (started with {@link #namespaceCommand} for the same {@code hostRoot}) has
     * entered its network namespace, installs {@code ruleset} there ({@link #ruleset}; before any
     * interface but loopback exists) and starts slirp4netns for it; does not wait for slirp4netns to
     * be ready ({@link #awaitReady}).
     *
     * @throws IOException when the process dies or does not enter its namespace within
     *     {@code timeout}, the rules cannot be installed, or slirp4netns cannot be started
     */
    static OutboundNetwork attach(Process qemu, boolean hostRoot, Path log, Duration timeout, String ruleset)
            throws IOException {
        awaitOwnNamespace(qemu, !hostRoot, timeout);
        installRules(qemu.pid(), hostRoot, ruleset, timeout);
        Process slirp = new ProcessBuilder("/bin/sh", "-c", SLIRP, "sh", Long.toString(qemu.pid()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new OutboundNetwork(slirp, log);
    }

    /**
     * The {@link OutboundPolicy}'s rules for QEMU's namespace, with the host's addresses as they are
     * now: slirp4netns's gateway 10.0.2.2 (the host) refused; DNS allowed to slirp4netns's
     * forwarder 10.0.2.3 and to the host's {@code /etc/resolv.conf} name servers, to which QEMU's
     * own DNS forwarder (the guest's 10.0.2.3) sends from inside the namespace.
     */
    static String ruleset(OutboundPolicy policy) {
        List<InetAddress> dns = new ArrayList<>(List.of(SLIRP_DNS));
        dns.addAll(HostAddresses.nameservers(RESOLV_CONF));
        return policy.nftRuleset(HostAddresses.read(), List.of(SLIRP_GATEWAY), dns);
    }

    /** Where nft and nsenter are, or what to install. */
    static List<String> missingTools() {
        List<String> missing = new ArrayList<>();
        if (tool("nft").isEmpty()) {
            missing.add("nft (outbound rules of functions: no host address, no private range): apt-get install nftables");
        }
        if (tool("nsenter").isEmpty()) {
            missing.add("nsenter (sets the outbound rules of functions): apt-get install util-linux");
        }
        return missing;
    }

    /**
     * Runs {@code nft -f -} in the network namespace of process {@code pid} through nsenter (as
     * root: that namespace only; otherwise its user namespace too, whose owner Hearth is).
     */
    private static void installRules(long pid, boolean hostRoot, String ruleset, Duration timeout) throws IOException {
        List<String> argv = new ArrayList<>(List.of(tool("nsenter").orElseThrow(() -> new IOException("nsenter is missing"))
                .toString()));
        if (!hostRoot) {
            argv.addAll(List.of("--user=/proc/" + pid + "/ns/user", "--preserve-credentials"));
        }
        argv.addAll(List.of("--net=/proc/" + pid + "/ns/net", "--",
                tool("nft").orElseThrow(() -> new IOException("nft is missing")).toString(), "-f", "-"));
        Process nft = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (var stdin = nft.getOutputStream()) {
            stdin.write(ruleset.getBytes(StandardCharsets.UTF_8));
        }
        try {
            String output = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!nft.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                nft.destroyForcibly();
                throw new IOException("nft did not install the outbound rules within " + timeout);
            }
            if (nft.exitValue() != 0) {
                throw new IOException("nft could not install the outbound rules: " + output);
            }
        } catch (InterruptedException e) {
            nft.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted installing the outbound rules", e);
        }
    }

    private static Optional<Path> tool(String name) {
        return TOOL_DIRECTORIES.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
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
