package dev.hearth.sandbox.spi;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for "a server elsewhere on the network" for tests, since nothing outside this machine
 * is reachable: a network namespace joined to the host by a veth pair, carrying a public TEST-NET-2
 * address ({@code 198.51.100.x}, RFC 5737: not private, not the host's) and a private one
 * ({@code 172.30.x.y}), with a TCP service on both that greets each connection with
 * {@code peer-hello}, then answers a line the client sends with {@code pong LINE} and records it
 * ({@link #received()}). The host side of the pair carries one address of each /30 (so those are host
 * addresses). Each instance picks random names and /30 blocks, so concurrent test runs do not
 * collide. Needs root and iproute2's {@code ip}; {@link #close} removes the namespace and the
 * veth pair even after a partial set-up.
 */
public final class PeerNetwork implements AutoCloseable {

    /** The port the peer's service listens on, in its own namespace. */
    public static final int PORT = 8080;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path IP = Path.of("/usr/sbin/ip");
    private static final String SERVICE = """
            import socket, sys
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', int(sys.argv[1])))
            s.listen(16)
            print('listening', flush=True)
            while True:
                c, _ = s.accept()
                try:
                    c.sendall(b'peer-hello\\n')
                    c.settimeout(5)
                    line = c.makefile().readline().strip()
                    if line:
                        print('got', line, flush=True)
                        c.sendall(('pong ' + line + '\\n').encode())
                except OSError:
                    pass
                c.close()
            """;

    private final String namespace;
    private final String hostVeth;
    private final String publicBlock;
    private final String privateBlock;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private Process service;

    private PeerNetwork() {
        String suffix = HexFormat.of().toHexDigits(RANDOM.nextInt()).substring(2);
        this.namespace = "hearth-peer-" + suffix;
        this.hostVeth = "hph" + suffix;
        int publicQuad = RANDOM.nextInt(64) * 4;
        this.publicBlock = "198.51.100." + publicQuad;
        this.privateBlock = "172.30." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(64) * 4;
    }

    /** Why this host cannot make one (not root, no {@code ip}); empty when it can. */
    public static List<String> unsupportedBecause() {
        List<String> reasons = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            reasons.add("a peer network namespace needs root (the test runs as " + System.getProperty("user.name") + ")");
        }
        if (!Files.isExecutable(IP)) {
            reasons.add("a peer network namespace needs iproute2's " + IP);
        }
        return reasons;
    }

    /** Creates the namespace, the veth pair, the addresses and starts the service. */
    public static PeerNetwork start() throws IOException, InterruptedException {
        PeerNetwork peer = new PeerNetwork();
        try {
            peer.setUp();
            return peer;
        } catch (IOException | InterruptedException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    private void setUp() throws IOException, InterruptedException {
        String peerVeth = "hpp" + hostVeth.substring(3);
        ip("netns", "add", namespace);
        ip("link", "add", hostVeth, "type", "veth", "peer", "name", peerVeth);
        ip("link", "set", peerVeth, "netns", namespace);
        ip("addr", "add", hostPublic() + "/30", "dev", hostVeth);
        ip("addr", "add", hostPrivate() + "/30", "dev", hostVeth);
        ip("link", "set", hostVeth, "up");
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("-n", namespace, "addr", "add", peerPublic() + "/30", "dev", peerVeth);
        ip("-n", namespace, "addr", "add", peerPrivate() + "/30", "dev", peerVeth);
        ip("-n", namespace, "link", "set", peerVeth, "up");
        service = new ProcessBuilder(IP.toString(), "netns", "exec", namespace, "/usr/bin/python3", "-c", SERVICE,
                Integer.toString(PORT)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), UTF_8));
        String first = out.readLine();
        if (!"listening".equals(first)) {
            throw new IOException("the peer's service did not start: " + first);
        }
        Thread.ofVirtual().name("peer-network-service-output").start(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("got ")) {
                        received.add(line.substring(4));
                    }
                }
            } catch (IOException e) {
                // the service was stopped
            }
        });
    }

    /** The lines clients sent to the peer's service, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** The peer's public (TEST-NET-2) address: neither private nor the host's. */
    public String peerPublic() {
        return offset(publicBlock, 2);
    }

    /** The peer's private address (in 172.16.0.0/12). */
    public String peerPrivate() {
        return offset(privateBlock, 2);
    }

    /** The host's own address on the public /30. */
    public String hostPublic() {
        return offset(publicBlock, 1);
    }

    /** The host's own address on the private /30. */
    public String hostPrivate() {
        return offset(privateBlock, 1);
    }

    /** The private /30 holding both {@link #peerPrivate()} and {@link #hostPrivate()}. */
    public String privateRange() {
        return privateBlock + "/30";
    }

    /** Stops the service and deletes the namespace (which deletes the veth pair); never throws. */
    @Override
    public void close() {
        if (service != null) {
            service.destroyForcibly();
        }
        try {
            ipQuietly("netns", "del", namespace);
            ipQuietly("link", "del", hostVeth);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String offset(String blockStart, int add) {
        int dot = blockStart.lastIndexOf('.');
        return blockStart.substring(0, dot + 1) + (Integer.parseInt(blockStart.substring(dot + 1)) + add);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(IP.toString()));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " failed: " + output);
        }
    }

    private static void ipQuietly(String... args) throws InterruptedException {
        try {
            List<String> argv = new ArrayList<>(List.of(IP.toString()));
            argv.addAll(List.of(args));
            Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            // nothing left to remove, or ip vanished: the next run's random names do not collide
        }
    }
}
