package dev.hearth.sandbox.spi.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxImage;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake backend's own contract: the parts of the SPI's contracts that hold without processes, and
 * the Runtime API conversation its runtimes hold, against a stand-in Runtime API (the JDK's HTTP
 * server on a loopback port). The worker's fast tests run it against the real Runtime API server,
 * over both transports.
 */
final class TestFakeSandboxBackend {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path dir;

    private final FakeSandboxBackend backend = new FakeSandboxBackend();
    private StubRuntimeApi api;

    @BeforeEach
    void startApi() throws IOException {
        api = StubRuntimeApi.start();
    }

    @AfterEach
    void stop() {
        backend.close();
        api.close();
    }

    private SandboxSpec spec(int memoryMb) {
        return spec(memoryMb, api);
    }

    /** A spec whose Runtime API is {@code runtimeApi}: a stand-in serves any of its sandboxes, as one listener per sandbox would not. */
    private SandboxSpec spec(int memoryMb, StubRuntimeApi runtimeApi) {
        String id = "fake-" + IDS.incrementAndGet();
        return new SandboxSpec(id, List.of("/var/runtime/bootstrap"), Map.of("AWS_LAMBDA_FUNCTION_NAME", "f"), dir, dir,
                dir.resolve(id), runtimeApi.address(), ResourceLimits.forMemory(memoryMb, 512), false);
    }

    private FakeSandbox launch(FakeRuntime runtime) throws SandboxLaunchException {
        backend.runtime(runtime);
        return (FakeSandbox) backend.launch(spec(128));
    }

    private static SandboxExit exitOf(Sandbox sandbox) {
        assertThat(sandbox.exit()).succeedsWithin(WAIT);
        return sandbox.exit().join();
    }

    private static String allOutput(Sandbox sandbox) throws IOException {
        return new String(sandbox.output().readAllBytes(), UTF_8);
    }

    @Test
    void anEchoRuntimeAnswersEachEventOnTheRuntimeApiAndStaysAlive() throws Exception {
        FakeSandbox sandbox = launch(FakeRuntime.echo());

        api.offer("req-1", "{\"n\":1}");
        api.offer("req-2", "{\"n\":2}");

        assertThat(api.nextPost()).isEqualTo(new Posted("response", "req-1", "", "{\"n\":1}"));
        assertThat(api.nextPost()).isEqualTo(new Posted("response", "req-2", "", "{\"n\":2}"));
        assertThat(sandbox.events()).isEqualTo(2);
        assertThat(sandbox.calledNext()).isTrue();
        assertThat(sandbox.isAlive()).isTrue();
        assertThat(backend.alive()).containsExactly(sandbox);
    }

    @Test
    void eventsCarryTheirSequenceAndAnExceptionIsReportedAsAnUnhandledError() throws Exception {
        launch(FakeRuntime.of(event -> {
            if (event.sequence() == 2) {
                throw new IllegalStateException("second \"time\"");
            }
            return FakeAction.respond("call " + event.sequence() + " " + event.requestId());
        }));

        api.offer("a", "{}");
        api.offer("b", "{}");
        api.offer("c", "{}");

        assertThat(api.nextPost()).isEqualTo(new Posted("response", "a", "", "call 1 a"));
        assertThat(api.nextPost()).isEqualTo(new Posted("error", "b", "IllegalStateException",
                "{\"errorMessage\":\"second \\\"time\\\"\",\"errorType\":\"IllegalStateException\"}"));
        assertThat(api.nextPost()).isEqualTo(new Posted("response", "c", "", "call 3 c"));
    }

    @Test
    void aFailAnswersLambdasErrorDocument() throws Exception {
        launch(FakeRuntime.of(event -> FakeAction.fail("Custom.Error", "bad input")));

        api.offer("r", "{}");

        assertThat(api.nextPost()).isEqualTo(new Posted("error", "r", "Custom.Error",
                "{\"errorMessage\":\"bad input\",\"errorType\":\"Custom.Error\"}"));
    }

    @Test
    void aFailingInitPostsAnInitErrorAndExitsWithStatusOne() throws Exception {
        FakeSandbox sandbox = launch(FakeRuntime.echo().failingInit("Runtime.ImportModuleError", "no module app"));

        assertThat(api.nextPost()).isEqualTo(new Posted("init-error", "", "Runtime.ImportModuleError",
                "{\"errorMessage\":\"no module app\",\"errorType\":\"Runtime.ImportModuleError\"}"));
        assertThat(exitOf(sandbox)).isEqualTo(new SandboxExit(1, false, false));
        assertThat(allOutput(sandbox)).contains("Init failed: Runtime.ImportModuleError: no module app");
        assertThat(sandbox.calledNext()).isFalse();
    }

    @Test
    void anInitThatExitsEndsTheSandboxWithItsStatusAndTheOutputReachesEof() throws Exception {
        FakeSandbox sandbox = launch(FakeRuntime.echo().exitingInit(3));

        assertThat(exitOf(sandbox)).isEqualTo(new SandboxExit(3, false, false));
        assertThat(allOutput(sandbox)).isEmpty();
        assertThat(sandbox.wasKilled()).isFalse();
        assertThat(backend.alive()).isEmpty();
    }

    @Test
    void anExitOrOutOfMemoryDuringAnEventEndsTheSandboxWithoutAnAnswer() throws Exception {
        FakeSandbox exits = launch(FakeRuntime.of(event -> FakeAction.exit(7)));
        api.offer("exit", "{}");
        assertThat(exitOf(exits)).isEqualTo(new SandboxExit(7, false, false));

        FakeSandbox hog = launch(FakeRuntime.of(event -> FakeAction.outOfMemory()));
        api.offer("oom", "{}");
        assertThat(exitOf(hog)).isEqualTo(new SandboxExit(137, true, false));
        assertThat(api.posted).isEmpty();
    }

    @Test
    void killEndsAHangingRuntimeWith137AndIsIdempotent() throws Exception {
        FakeSandbox inInit = launch(FakeRuntime.echo().hangingInit());
        FakeSandbox inEvent = launch(FakeRuntime.of(event -> FakeAction.hang()));
        api.offer("hangs", "{}");
        await().atMost(WAIT).until(() -> inEvent.events() == 1);

        inInit.kill();
        inInit.kill();
        inEvent.kill();

        assertThat(exitOf(inInit)).isEqualTo(new SandboxExit(137, false, true));
        assertThat(exitOf(inEvent)).isEqualTo(new SandboxExit(137, false, true));
        inInit.kill();
        assertThat(inInit.exit().join()).isEqualTo(new SandboxExit(137, false, true));
        assertThat(inInit.wasKilled()).isTrue();
        assertThat(allOutput(inEvent)).isEmpty();
    }

    @Test
    void aCrashEndsTheSandboxAsIfItsProcessDied() throws Exception {
        FakeSandbox sandbox = launch(FakeRuntime.echo());
        await().atMost(WAIT).until(sandbox::calledNext);

        sandbox.crash(134);

        assertThat(exitOf(sandbox)).isEqualTo(new SandboxExit(134, false, false));
        assertThat(sandbox.wasKilled()).isFalse();
    }

    @Test
    void handlersPrintToTheOutputAndReportMemory() throws Exception {
        FakeSandbox sandbox = launch(FakeRuntime.of(event -> {
            event.print("handling " + event.payloadText());
            event.sandbox().useMemory(100L << 20);
            return FakeAction.respond("ok");
        }).withMemoryBytes(10L << 20));
        assertThat(sandbox.usage().maxMemoryBytes()).isEqualTo(10L << 20);

        api.offer("r", "ping");
        api.nextPost();
        sandbox.useMemory(50L << 20);
        sandbox.kill();

        assertThat(allOutput(sandbox)).isEqualTo("handling ping\n");
        assertThat(sandbox.usage().maxMemoryBytes()).isEqualTo(100L << 20);
    }

    @Test
    void aRefusedNextEndsTheRuntimeWithStatusOne() throws Exception {
        FakeSandbox sandbox = launch(FakeRuntime.echo());

        api.refuseNext();

        assertThat(exitOf(sandbox)).isEqualTo(new SandboxExit(1, false, false));
        assertThat(allOutput(sandbox)).contains("/next answered 500");
    }

    @Test
    void initialisedIsRecordedAndTheInitDelayKeepsTheRuntimeFromNext() throws Exception {
        FakeSandbox slow = launch(FakeRuntime.echo().withInitDelay(Duration.ofDays(1)));

        slow.initialised();

        assertThat(slow.toldInitialised()).isTrue();
        assertThat(slow.calledNext()).isFalse();
    }

    @Test
    void closeKillsEverySandboxAndRefusesLaterLaunches() throws Exception {
        FakeSandbox first = launch(FakeRuntime.echo());
        FakeSandbox second = launch(FakeRuntime.echo().hangingInit());

        backend.close();

        assertThat(exitOf(first).killed()).isTrue();
        assertThat(exitOf(second).killed()).isTrue();
        assertThat(backend.isClosed()).isTrue();
        assertThatThrownBy(() -> backend.launch(spec(128))).isInstanceOf(SandboxLaunchException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void refusedLaunchesFailUntilAcceptedAgain() throws Exception {
        backend.refuseLaunches("no room in the test");

        assertThatThrownBy(() -> backend.launch(spec(128))).isInstanceOf(SandboxLaunchException.class)
                .hasMessageContaining("no room in the test");
        assertThat(backend.launched()).isEmpty();

        backend.acceptLaunches();
        assertThat(backend.launch(spec(128)).exit()).isNotDone();
    }

    @Test
    void theRuntimeIsChosenPerSpec() throws Exception {
        backend.runtime(spec -> spec.limits().memoryMb() == 256 ? FakeRuntime.text(String::toUpperCase) : FakeRuntime.echo());

        backend.launch(spec(256));
        api.offer("upper", "abc");

        assertThat(api.nextPost().body()).isEqualTo("ABC");
    }

    @Test
    void theViewShowsHostPathsAndTheRuntimeApiAsSeenInside() {
        SandboxView tcp = backend.view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/scratch/s1"),
                new RuntimeApiAddress.Tcp("127.0.0.1", 9999));
        assertThat(tcp).isEqualTo(new SandboxView("/srv/task", "/srv/runtime", "/srv/scratch/s1/tmp", "127.0.0.1:9999"));

        try (FakeSandboxBackend unix = new FakeSandboxBackend(RuntimeApiTransport.UNIX_SOCKET)) {
            assertThat(unix.view(Path.of("/t"), Path.of("/r"), Path.of("/s"), new RuntimeApiAddress.UnixSocket(Path.of("/s/api.sock"))))
                    .isEqualTo(new SandboxView("/t", "/r", "/s/tmp", FakeSandboxBackend.RUNTIME_API_INSIDE));
            assertThatThrownBy(() -> unix.view(Path.of("/t"), Path.of("/r"), Path.of("/s"), new RuntimeApiAddress.Tcp("127.0.0.1", 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(backend.probe().usable()).isTrue();
        assertThat(backend.name()).isEqualTo("fake");
        assertThat(backend.snapshots()).isEmpty();
    }

    @Test
    void snapshotsSaveOnlySandboxesLaunchedForThemAndRestoredOnesSkipInit() throws Exception {
        SandboxSnapshots snapshots = backend.withSnapshots().snapshots().orElseThrow();
        backend.runtime(FakeRuntime.echo());
        Sandbox plain = backend.launch(spec(128));
        assertThatThrownBy(() -> snapshots.save(plain, dir.resolve("plain"))).isInstanceOf(IllegalArgumentException.class);

        Sandbox saved = snapshots.launchForSnapshot(spec(128));
        await().atMost(WAIT).until(((FakeSandbox) saved)::calledNext);
        SandboxImage image = snapshots.save(saved, dir.resolve("image"));

        assertThat(exitOf(saved)).isEqualTo(new SandboxExit(137, false, true));
        assertThat(image.memoryMb()).isEqualTo(128);
        assertThat(image.sizeBytes()).isPositive();
        assertThatThrownBy(() -> snapshots.restore(image, spec(256))).isInstanceOf(SandboxLaunchException.class);

        backend.runtime(FakeRuntime.echo().hangingInit());
        try (StubRuntimeApi cloneApi = StubRuntimeApi.start()) {
            FakeSandbox clone = (FakeSandbox) snapshots.restore(image, spec(128, cloneApi));
            cloneApi.offer("restored", "{\"clone\":true}");
            assertThat(cloneApi.nextPost()).isEqualTo(new Posted("response", "restored", "", "{\"clone\":true}"));
            assertThat(clone.restored()).isTrue();

            snapshots.delete(image);
            assertThat(image.directory()).doesNotExist();
            assertThat(clone.isAlive()).isTrue();
        }

        assertThatThrownBy(() -> snapshots.restore(image, spec(128))).isInstanceOf(SandboxLaunchException.class)
                .hasMessageContaining("deleted");
    }

    /** A request a runtime posted: {@code kind} is response, error or init-error. */
    record Posted(String kind, String requestId, String errorType, String body) {}

    /** A stand-in Runtime API on a loopback port: hands out offered events, records what is posted. */
    private static final class StubRuntimeApi implements AutoCloseable {
        private static final String PREFIX = "/2018-06-01/runtime/";
        private static final String REFUSE = "\0refuse";

        private final HttpServer server;
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        final BlockingQueue<Posted> posted = new LinkedBlockingQueue<>();

        private StubRuntimeApi() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(threads);
            server.createContext(PREFIX, this::handle);
        }

        static StubRuntimeApi start() throws IOException {
            StubRuntimeApi api = new StubRuntimeApi();
            api.server.start();
            return api;
        }

        RuntimeApiAddress address() {
            return new RuntimeApiAddress.Tcp("127.0.0.1", server.getAddress().getPort());
        }

        void offer(String requestId, String payload) {
            events.add(new String[] {requestId, payload});
        }

        void refuseNext() {
            events.add(new String[] {REFUSE, ""});
        }

        Posted nextPost() throws InterruptedException {
            Posted next = posted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("a post to the Runtime API within %s", WAIT).isNotNull();
            return next;
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
                String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
                String errorType = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
                errorType = errorType == null ? "" : errorType;
                if (path.equals("invocation/next")) {
                    String[] event = events.take();
                    if (event[0].equals(REFUSE)) {
                        send(exchange, 500, "{\"errorType\":\"Runtime.Shutdown\"}");
                        return;
                    }
                    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", event[0]);
                    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", "1");
                    send(exchange, 200, event[1]);
                } else if (path.equals("init/error")) {
                    posted.add(new Posted("init-error", "", errorType, body));
                    send(exchange, 202, "{\"status\":\"OK\"}");
                } else {
                    String[] parts = path.split("/");
                    posted.add(new Posted(parts[2], parts[1], errorType, body));
                    send(exchange, 202, "{\"status\":\"OK\"}");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void send(HttpExchange exchange, int status, String body) {
            try {
                byte[] bytes = body.getBytes(UTF_8);
                exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
