package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.PeerNetwork;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound network: with {@code networkAccess} the guest reaches a TCP service on a public peer
 * ({@link PeerNetwork}: the host's own addresses are refused by the outbound policy; through QEMU's
 * own network namespace and slirp4netns), without it the same connection fails; a snapshot of a VM
 * with network access restores into clones that have it too. Needs root (skipped otherwise).
 * (That the host's loopback stays unreachable with network access is
 * {@code TestMicrovmEscapes.hostLoopbackIsUnreachableEvenWithNetworkAccess}.) Three guests, about
 * 20 s under TCG.
 */
final class TestMicrovmNetwork {
    /** Connects to argv[1]:argv[2], sends a line and prints the reply, or prints why it could not. */
    private static final String CLIENT = """
            import socket, sys
            def exchange(who):
                try:
                    with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=8) as s:
                        s.sendall(b'hello from ' + who.encode() + b'\\n')
                        replies = s.makefile()
                        replies.readline()  # the peer's greeting
                        print('reply', replies.readline().strip(), flush=True)
                except OSError as e:
                    print('connect failed', type(e).__name__, flush=True)
            """;

    @TempDir
    Path dir;

    @Test
    void outboundTcpReachesAPublicPeerOnlyWithNetworkAccess() throws Exception {
        List<String> unsupported = PeerNetwork.unsupportedBecause();
        Assumptions.assumeThat(unsupported).as(String.join("; ", unsupported)).isEmpty();
        Path task = Files.createDirectories(dir.resolve("task"));
        try (PeerNetwork peer = PeerNetwork.start();
                UnixHttpStub api = UnixHttpStub.start(dir.resolve("api.sock"));
                MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            String code = CLIENT + "exchange(sys.argv[3])\n";
            String port = Integer.toString(PeerNetwork.PORT);
            // both at once: the isolated one waits out its connect timeout meanwhile
            Sandbox open = backend.launch(spec("net-open", task, api.path(), true,
                    "/usr/bin/python3", "-c", code, peer.peerPublic(), port, "open"));
            Sandbox closed = backend.launch(spec("net-closed", task, api.path(), false,
                    "/usr/bin/python3", "-c", code, peer.peerPublic(), port, "closed"));
            CompletableFuture<String> closedOutput = CompletableFuture.supplyAsync(() -> readAll(closed));
            String openOutput = readAll(open);

            assertThat(open.exit().get(60, TimeUnit.SECONDS)).as(openOutput).isEqualTo(new SandboxExit(0, false, false));
            assertThat(openOutput).isEqualTo("reply pong hello from open\n");
            assertThat(closed.exit().get(60, TimeUnit.SECONDS)).isEqualTo(new SandboxExit(0, false, false));
            String isolated = closedOutput.get(60, TimeUnit.SECONDS);
            assertThat(isolated).startsWith("connect failed ");
            System.out.println("microvm network: the isolated guest's connection to " + peer.peerPublic() + ": " + isolated.strip());
            assertThat(peer.received()).as("lines the peer's service received").containsExactly("hello from open");
        }
    }

    @Test
    void clonesOfASnapshotWithNetworkAccessReachOutsideToo() throws Exception {
        List<String> unsupported = PeerNetwork.unsupportedBecause();
        Assumptions.assumeThat(unsupported).as(String.join("; ", unsupported)).isEmpty();
        Path task = Files.createDirectories(dir.resolve("task"));
        // initialises (without network use), then waits for a Runtime API, which only the clone has
        String code = CLIENT + """
                import http.client, time
                print('initialised', flush=True)
                while True:
                    try:
                        c = http.client.HTTPConnection('127.0.0.1', 9001, timeout=5)
                        c.request('GET', '/2018-06-01/runtime/invocation/next')
                        c.getresponse().read()
                        break
                    except (OSError, http.client.HTTPException):
                        time.sleep(0.02)
                exchange('clone')
                """;
        try (PeerNetwork peer = PeerNetwork.start();
                UnixHttpStub api = UnixHttpStub.start(dir.resolve("api.sock"));
                MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            MicrovmSandbox source = backend.launchForSnapshot(spec("net-source", task, dir.resolve("nobody-listens.sock"),
                    true, "/usr/bin/python3", "-c", code, peer.peerPublic(), Integer.toString(PeerNetwork.PORT)));
            assertThat(new String(source.output().readNBytes("initialised\n".length()), UTF_8)).isEqualTo("initialised\n");
            MicrovmSnapshot snapshot = backend.snapshot(source, dir.resolve("snapshot"));
            try {
                assertThat(snapshot.shape().networkAccess()).isTrue();
                // the command and network access of a restore's spec are not used: the clone is the snapshot's
                MicrovmSandbox clone = backend.restore(snapshot, spec("net-clone", task, api.path(), false, "/bin/false"));
                String output = readAll(clone);

                assertThat(clone.exit().get(60, TimeUnit.SECONDS)).as(output).isEqualTo(new SandboxExit(0, false, false));
                assertThat(output).isEqualTo("reply pong hello from clone\n");
                assertThat(peer.received()).containsExactly("hello from clone");
            } finally {
                snapshot.delete();
            }
        }
    }

    private SandboxSpec spec(String id, Path task, Path api, boolean network, String... argv) throws IOException {
        return new SandboxSpec(id, List.of(argv), Map.of("PATH", "/usr/bin:/bin"), task, task,
                Files.createDirectories(dir.resolve("scratch-" + id)), new RuntimeApiAddress.UnixSocket(api),
                ResourceLimits.forMemory(128, 16), network);
    }

    private static String readAll(Sandbox sandbox) {
        try {
            return new String(sandbox.output().readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
