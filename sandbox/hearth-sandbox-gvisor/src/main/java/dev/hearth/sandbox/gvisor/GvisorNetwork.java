package dev.hearth.sandbox.gvisor;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.spi.AddressRange;
import dev.hearth.sandbox.spi.HostAddresses;
import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Outbound network of a gVisor sandbox launched with network access. runsc runs with
 * {@code --network=host} in a network namespace of its own ({@link #wrap}: {@code unshare --net},
 * then a shell that waits for one line on stdin before it execs runsc), so gVisor's sockets are host
 * sockets of that namespace. Before runsc starts, {@link #attach}:
 * <ol>
 *   <li>installs the {@link OutboundPolicy}'s nftables rules in the namespace ({@code nsenter --net
 *       nft -f -}; {@link #ruleset}): no address of the host, not slirp4netns's gateway 10.0.2.2,
 *       no private range the policy does not allow, DNS to slirp4netns's forwarder 10.0.2.3 and the
 *       host's name servers (the sandbox sees the host's {@code resolv.conf});</li>
 *   <li>starts slirp4netns on it ({@code tap0}, {@code --disable-host-loopback}, its own mount
 *       namespace and seccomp filter), which ends when its exit descriptor (its stdin) closes:
 *       {@link #close}, which the backend calls when runsc exits, or when the JVM dies;</li>
 *   <li>waits until slirp4netns is ready, then releases runsc.</li>
 * </ol>
 * The function's code therefore never runs before its rules are in place. Function code cannot
 * change them: gVisor's kernel does not pass netfilter configuration to the host, and the sandbox
 * has no capabilities.
 *
 * <p>Threading: {@link #close()} may be called from any thread, more than once.
 */
final class GvisorNetwork implements AutoCloseable {

    /** Runs the rest of its arguments once a line arrives on stdin, with stdin from /dev/null. */
    private static final String AWAIT_RELEASE = "read go && exec \"$@\" </dev/null";
    /** slirp4netns with its readiness on stdout (fd 3 → the pipe), its messages on stderr, its exit fd on stdin. */
    private static final String SLIRP = "exec \"$1\" --configure --mtu=65520 --disable-host-loopback"
            + " --enable-sandbox --enable-seccomp --netns-type=path --ready-fd=3 --exit-fd=4 \"$2\" tap0 3>&1 1>&2 4<&0";
    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final InetAddress SLIRP_GATEWAY = AddressRange.parse("10.0.2.2").network();
    private static final InetAddress SLIRP_DNS = AddressRange.parse("10.0.2.3").network();

    private final Process slirp;

    private GvisorNetwork(Process slirp) {
        this.slirp = slirp;
    }

    /** {@code runscArgv} started in a new network namespace, held until {@link #attach} releases it. */
    static List<String> wrap(GvisorHostTools.NetworkTools tools, List<String> runscArgv) {
        List<String> argv = new ArrayList<>(List.of(tools.unshare().orElseThrow().toString(), "--net", "--",
                GvisorHostTools.SH.toString(), "-c", AWAIT_RELEASE, "hearth-gvisor-network"));
        argv.addAll(runscArgv);
        return argv;
    }

    /** The policy's rules with the host's addresses and name servers as they are now. */
    static String ruleset(OutboundPolicy policy) {
        List<InetAddress> dns = new ArrayList<>(List.of(SLIRP_DNS));
        dns.addAll(HostAddresses.nameservers(RESOLV_CONF));
        return policy.nftRuleset(HostAddresses.read(), List.of(SLIRP_GATEWAY), dns);
    }

    /**
     * Sets up the namespace of {@code wrapped} (started with {@link #wrap}) as the class comment
     * says, then releases runsc.
     *
     * @param log where slirp4netns's messages go
     * @throws IOException when the process ends or does not enter its namespace in time, nft fails,
     *     or slirp4netns cannot set the network up within {@code timeout}; the caller kills
     *     {@code wrapped}, whose runsc has not started
     */
    static GvisorNetwork attach(Process wrapped, GvisorHostTools.NetworkTools tools, String ruleset, Path log,
            Duration timeout) throws IOException {
        awaitOwnNamespace(wrapped, timeout);
        String netns = "/proc/" + wrapped.pid() + "/ns/net";
        installRules(tools, netns, ruleset, timeout);
        Process slirp = new ProcessBuilder(GvisorHostTools.SH.toString(), "-c", SLIRP, "hearth-slirp4netns",
                tools.slirp4netns().orElseThrow().toString(), netns)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        GvisorNetwork network = new GvisorNetwork(slirp);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        HearthThreads.startVirtual("gvisor-slirp4netns-ready-" + slirp.pid(), () -> {
            try (InputStream in = slirp.getInputStream()) {
                ready.complete(in.read());
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        try {
            int signal = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (signal != '1') {
                throw new IOException("slirp4netns could not set up the sandbox's network (see " + log + ")");
            }
            try (OutputStream stdin = wrapped.getOutputStream()) {
                stdin.write("go\n".getBytes(UTF_8));
            }
            return network;
        } catch (InterruptedException e) {
            network.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for slirp4netns", e);
        } catch (ExecutionException | TimeoutException | IOException e) {
            network.close();
            throw e instanceof IOException io ? io : new IOException("slirp4netns not ready within " + timeout
                    + " (see " + log + ")", e);
        }
    }

    /** Ends slirp4netns (closing its exit fd; killing it should it linger). */
    @Override
    public void close() {
        try {
            slirp.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        slirp.onExit().orTimeout(2, TimeUnit.SECONDS).exceptionally(timeout -> {
            slirp.destroyForcibly();
            return slirp;
        });
    }

    private static void installRules(GvisorHostTools.NetworkTools tools, String netns, String ruleset, Duration timeout)
            throws IOException {
        Process nft = new ProcessBuilder(tools.nsenter().orElseThrow().toString(), "--net=" + netns, "--",
                tools.nft().orElseThrow().toString(), "-f", "-").redirectErrorStream(true).start();
        try (OutputStream stdin = nft.getOutputStream()) {
            stdin.write(ruleset.getBytes(UTF_8));
        }
        try {
            String output = new String(nft.getInputStream().readAllBytes(), UTF_8).strip();
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

    /** Waits until {@code process} (unshare) has left this JVM's network namespace. */
    private static void awaitOwnNamespace(Process process, Duration timeout) throws IOException {
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        Path link = Path.of("/proc", Long.toString(process.pid()), "ns", "net");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("unshare exited with status " + process.exitValue()
                        + " before entering its network namespace");
            }
            try {
                if (!Files.readSymbolicLink(link).equals(ours)) {
                    return;
                }
            } catch (IOException e) {
                // the process is between fork and exec: look again
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("unshare did not enter a network namespace of its own within " + timeout);
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
