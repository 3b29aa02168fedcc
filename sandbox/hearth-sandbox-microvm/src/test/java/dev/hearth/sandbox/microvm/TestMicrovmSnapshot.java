package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SnapStart's idea on microVMs: boot python, let it initialise, save the VM, start clones from the
 * snapshot; each clone continues from the saved point and reaches its own Runtime API.
 */
final class TestMicrovmSnapshot {
    /** Initialises, then polls the Runtime API until a listener answers (the source VM has none). */
    private static final String RUNTIME = """
            import http.client, json, time, os, sys
            state = {'initialised_at': time.time(), 'pid': os.getpid()}
            print('initialised', flush=True)
            def next_event():
                c = http.client.HTTPConnection('127.0.0.1', 9001, timeout=5)
                c.request('GET', '/2018-06-01/runtime/invocation/next')
                return c.getresponse().read().decode()
            while True:
                try:
                    body = next_event()
                    break
                except (OSError, http.client.HTTPException):
                    time.sleep(0.02)
            print('got', body, 'pid', state['pid'], 'clock ok',
                  abs(time.time() - float(os.environ['HOST_CLOCK'])) < 3600, flush=True)
            started = time.monotonic()
            next_event()
            print('second request on a new connection took %d ms' % ((time.monotonic() - started) * 1000), file=sys.stderr)
            """;

    @TempDir
    Path dir;

    @Test
    void clonesResumeFromTheSnapshotAndReachTheirOwnRuntimeApi() throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Map<String, String> environment = Map.of("PATH", "/usr/bin:/bin",
                "HOST_CLOCK", Long.toString(System.currentTimeMillis() / 1000));
        try (MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            SandboxSpec sourceSpec = spec("snap-source", task, runtime, environment, dir.resolve("nobody-listens.sock"));
            MicrovmSandbox source = backend.launchForSnapshot(sourceSpec);
            Collected sourceOutput = Collected.from(source.output());
            await().atMost(Duration.ofSeconds(60)).until(() -> sourceOutput.text().contains("initialised"));
            source.ping(Duration.ofSeconds(30)); // the guest init's control loop answers

            MicrovmSnapshot snapshot = backend.snapshot(source, dir.resolve("snapshot"));
            try {
                assertThat(source.exit().get(10, TimeUnit.SECONDS).killed()).isTrue();
                assertThat(snapshot.ramFile()).exists();
                assertThat(snapshot.stateFile()).exists();

                for (String clone : List.of("clone-1", "clone-2")) {
                    try (UnixHttpStub api = UnixHttpStub.start(dir.resolve(clone + ".sock"))) {
                        long start = System.nanoTime();
                        MicrovmSandbox restored = backend.restore(snapshot,
                                spec(clone, task, runtime, environment, api.path()));
                        long restoredAt = System.nanoTime();
                        Collected output = Collected.from(restored.output());
                        await().atMost(Duration.ofSeconds(60)).until(() -> output.text().contains("got"));
                        long firstResult = System.nanoTime();
                        SandboxExit exit = restored.exit().get(60, TimeUnit.SECONDS);
                        long millis = (System.nanoTime() - start) / 1_000_000;

                        assertThat(exit).as(output.text()).isEqualTo(new SandboxExit(0, false, false));
                        await().atMost(Duration.ofSeconds(5)).until(output::ended);
                        assertThat(output.text()).startsWith("got hello /2018-06-01/runtime/invocation/next pid ")
                                .contains(" clock ok True\n")
                                .doesNotContain("initialised");
                        assertThat(api.requestLines).containsExactly("GET /2018-06-01/runtime/invocation/next HTTP/1.1",
                                "GET /2018-06-01/runtime/invocation/next HTTP/1.1");
                        System.out.println("microvm snapshot: " + clone + ": restore() " + (restoredAt - start) / 1_000_000
                                + " ms, to first result " + (firstResult - start) / 1_000_000 + " ms, to exit " + millis + " ms; "
                                + output.text().lines().filter(l -> l.startsWith("second")).findFirst().orElse(""));
                    }
                }
                assertThat(backend.runningCount()).isZero();
            } finally {
                snapshot.delete();
            }
            assertThat(snapshot.ramFile()).doesNotExist();
        }
    }

    @Test
    void aRuntimeApiConnectionOpenAtSnapshotTimeIsClosedInClonesInsteadOfHanging() throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        String code = """
                import http.client
                c = http.client.HTTPConnection('127.0.0.1', 9001)
                c.request('GET', '/2018-06-01/runtime/invocation/next')
                print('waiting', flush=True)
                try:
                    c.getresponse()
                    print('answered')
                except http.client.RemoteDisconnected as e:
                    print('closed:', e)
                """;
        try (ServerSocketChannel holder = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                UnixHttpStub cloneApi = UnixHttpStub.start(dir.resolve("clone.sock"));
                MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            holder.bind(UnixDomainSocketAddress.of(dir.resolve("holder.sock")));
            MicrovmSandbox source = backend.launchForSnapshot(new SandboxSpec("held-source",
                    List.of("/usr/bin/python3", "-c", code), Map.of("PATH", "/usr/bin:/bin"), task, task,
                    Files.createDirectories(dir.resolve("scratch-held-source")),
                    new RuntimeApiAddress.UnixSocket(dir.resolve("holder.sock")), ResourceLimits.forMemory(128, 64), false));
            try (SocketChannel held = holder.accept()) {
                assertThat(new String(source.output().readNBytes(8), UTF_8)).isEqualTo("waiting\n");
                MicrovmSnapshot snapshot = backend.snapshot(source, dir.resolve("held-snapshot"));
                try {
                    MicrovmSandbox clone = backend.restore(snapshot, spec("held-clone", task, task, Map.of(), cloneApi.path()));

                    assertThat(new String(clone.output().readAllBytes(), UTF_8))
                            .isEqualTo("closed: Remote end closed connection without response\n");
                    assertThat(clone.exit().get(30, TimeUnit.SECONDS)).isEqualTo(new SandboxExit(0, false, false));
                    assertThat(cloneApi.requestLines).isEmpty();
                } finally {
                    snapshot.delete();
                }
            }
        }
    }

    private SandboxSpec spec(String id, Path task, Path runtime, Map<String, String> environment, Path api)
            throws IOException {
        return new SandboxSpec(id, List.of("/usr/bin/python3", "-c", RUNTIME), environment, task, runtime,
                Files.createDirectories(dir.resolve("scratch-" + id)), new RuntimeApiAddress.UnixSocket(api),
                ResourceLimits.forMemory(128, 64), false);
    }

    /** A sandbox's output read on a virtual thread. */
    private static final class Collected {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean ended;

        static Collected from(InputStream in) {
            Collected collected = new Collected();
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        synchronized (collected.bytes) {
                            collected.bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    collected.append("(output failed: " + e.getMessage() + ")");
                } finally {
                    collected.ended = true;
                }
            });
            return collected;
        }

        private void append(String text) {
            synchronized (bytes) {
                bytes.writeBytes(text.getBytes(UTF_8));
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(UTF_8);
            }
        }

        boolean ended() {
            return ended;
        }
    }
}
