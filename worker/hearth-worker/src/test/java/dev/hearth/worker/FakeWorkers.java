package dev.hearth.worker;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.core.AccountContext;
import dev.hearth.placement.CapacitySettings;
import dev.hearth.placement.HostMemory;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.testing.FakeAction;
import dev.hearth.sandbox.spi.testing.FakeRuntime;
import dev.hearth.sandbox.spi.testing.FakeSandbox;
import dev.hearth.sandbox.spi.testing.FakeSandboxBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * What a fast worker test uses: the fake sandbox backend (no processes), a manual clock, a fake host
 * whose available memory is {@link #hostFreeMb} less the MemorySize of every fake sandbox alive, and
 * workers wired to them. The housekeeping never runs on its own (its interval is a day): tests call
 * {@link Worker#runHousekeeping()} after moving the clock. Close it after each test.
 */
final class FakeWorkers implements AutoCloseable {
    /** The RAM of the fake host: room for 128 sandboxes of 128 MB with the default 1 GiB headroom. */
    static final long HOST_TOTAL_MB = 17_408;
    /** The payload that {@link #answerInOrderHoldingUntil} keeps in the handler. */
    static final String HOLD = "hold";
    /** The account and region of every fake function. */
    static final AccountContext ACCOUNT = AccountContext.DEFAULT;
    /** The runtime every fake function declares: the catalog needs no interpreter for it. */
    static final String RUNTIME = "provided.al2023";

    /** Bootstrap files extracted once per build, not per test (the catalog's copy is content-addressed). */
    private static final RuntimeCatalog RUNTIMES = RuntimeCatalog.open(Path.of("target", "runtime-cache"));

    final FakeSandboxBackend backend;
    final ManualClock clock = new ManualClock();
    final RecordingLogSink logs = new RecordingLogSink();
    /** Memory the fake host has free before any sandbox; tests lower it to run out of room. */
    final AtomicLong hostFreeMb = new AtomicLong(HOST_TOTAL_MB);
    private final Path workDir;
    private final List<Worker> workers = new ArrayList<>();
    private final ExecutorService invokers = Executors.newVirtualThreadPerTaskExecutor();

    FakeWorkers(Path workDir) {
        this(workDir, RuntimeApiTransport.TCP_LOOPBACK);
    }

    FakeWorkers(Path workDir, RuntimeApiTransport transport) {
        this.workDir = workDir;
        this.backend = new FakeSandboxBackend(transport);
    }

    /**
     * Every fake sandbox answers {@code "#<event number>"}, except that an event whose payload is
     * {@link #HOLD} stays in the handler until {@code release} opens: a way to keep a sandbox busy.
     */
    void answerInOrderHoldingUntil(CountDownLatch release) {
        backend.runtime(FakeRuntime.of(event -> {
            if (event.payloadText().equals(HOLD)) {
                release.await();
            }
            return FakeAction.respond("#" + event.sequence());
        }));
    }

    /** The fake host's available memory: what is free less what live fake sandboxes hold. */
    HostMemory hostMemory() {
        return () -> hostFreeMb.get() - backend.alive().stream().mapToLong(s -> s.spec().limits().memoryMb()).sum();
    }

    /** A worker with Lambda's defaults for the fake host, changed by {@code adjust}. */
    Worker worker(UnaryOperator<WorkerConfig> adjust) {
        try {
            Path dir = Files.createDirectories(workDir.resolve("work-" + (workers.size() + 1)));
            WorkerConfig config = WorkerConfig.defaults(dir, HOST_TOTAL_MB, hostMemory()).withReapInterval(Duration.ofDays(1));
            Worker worker = new Worker(backend, RUNTIMES, logs, adjust.apply(config), clock);
            workers.add(worker);
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Worker worker() {
        return worker(UnaryOperator.identity());
    }

    /**
     * Awaitility for what a real thread of the worker or a fake runtime must do: polled every
     * millisecond from the start (the default first poll comes after 100 ms), for at most 10 s.
     */
    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    /** Capacity settings with a running budget, no headroom, and a bounded wait and queue. */
    static CapacitySettings capacity(long runningBudgetMb, Duration maxWait, int maxWaiting) {
        return new CapacitySettings(runningBudgetMb, 0, maxWait, maxWaiting);
    }

    /** Version {@code version} of function {@code name} at revision {@code revisionId}, 128 MB, 3 s. */
    FunctionRevision function(String name, String version, String revisionId) {
        String arn = version.equals("$LATEST") ? arn(name) : ACCOUNT.functionArn(name, version);
        return new FunctionRevision(ACCOUNT, name, version, arn, revisionId, RUNTIME, "fake.handler", 128, 3, 512, Map.of(),
                workDir, "sha-" + revisionId, false, TracingMode.PASS_THROUGH, List.of());
    }

    /** The unqualified ARN of function {@code name} of the fake functions' account: how the worker names a function. */
    static String arn(String name) {
        return ACCOUNT.functionArn(name);
    }

    FunctionRevision function(String name) {
        return function(name, "$LATEST", "rev-1");
    }

    static InvocationRequest request(FunctionRevision function, String payload) {
        return new InvocationRequest(UUID.randomUUID().toString(), payload.getBytes(UTF_8), Optional.empty(),
                function.functionArn(), false);
    }

    /** Invokes on a virtual thread of its own. */
    CompletableFuture<InvocationResult> invokeAsync(Worker worker, FunctionRevision function, String payload) {
        return CompletableFuture.supplyAsync(() -> worker.invoke(function, request(function, payload)), invokers);
    }

    static String text(InvocationResult result) {
        return new String(result.payload(), UTF_8);
    }

    /** The fake sandbox behind a worker's sandbox. */
    FakeSandbox sandbox(SandboxInfo info) {
        return backend.sandbox(info.sandboxId()).orElseThrow();
    }

    /** The fake sandboxes launched for {@code functionName}, in launch order. */
    List<FakeSandbox> launchedFor(String functionName) {
        return backend.launched().stream()
                .filter(s -> functionName.equals(s.environment().get("AWS_LAMBDA_FUNCTION_NAME"))).toList();
    }

    @Override
    public void close() {
        try {
            workers.forEach(Worker::close);
        } finally {
            invokers.shutdownNow();
            backend.close();
        }
    }
}
