package dev.hearth.worker;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.worker.Invocation.Finished;
import dev.hearth.worker.InvocationOutcome.PlatformFailure;
import dev.hearth.worker.runtimeapi.RuntimeApiServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs invocations in sandboxes: the entry point of Hearth's synchronous data plane below the invoke
 * frontend. For each invocation it claims a warm idle sandbox of exactly the same function version
 * and revision, or launches a new one (a cold start), hands the event to the runtime over Lambda's
 * Runtime API, and waits for the response, an error, the timeout or the runtime's exit. Every
 * failure is answered as Lambda answers it (an error document with {@code FunctionError:
 * Unhandled}); the sandbox is discarded when it cannot be trusted any more, so the next invocation
 * works.
 *
 * <p>Threading: thread-safe. {@link #invoke} blocks the calling thread (meant to be a virtual thread)
 * until the result; many run at once, each in its own sandbox.
 *
 * <p>Ownership: owns its Runtime API server, its sandboxes and (unless one was injected) its
 * scheduler; {@link #close()} shuts them all down. The backend and the log sink stay the caller's.
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final SandboxBackend backend;
    private final RuntimeCatalog runtimes;
    private final LogSink logs;
    private final WorkerConfig config;
    private final InstantSource clock;
    private final SandboxPool pool = new SandboxPool();
    private final RuntimeApiServer api;
    private final ExecutorService background;
    private final EnvironmentStarter starter;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ScheduledFuture<?> reaper;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A worker with its own single-thread scheduler for reaping idle sandboxes. */
    public Worker(SandboxBackend backend, RuntimeCatalog runtimes, LogSink logs, WorkerConfig config,
            InstantSource clock) {
        this(backend, runtimes, logs, config, clock, null);
    }

    /**
     * A worker that reaps idle sandboxes every {@link WorkerConfig#reapInterval()} on {@code scheduler}
     * (not shut down by {@link #close()}); {@code null} makes a scheduler of its own.
     */
    public Worker(SandboxBackend backend, RuntimeCatalog runtimes, LogSink logs, WorkerConfig config,
            InstantSource clock, ScheduledExecutorService scheduler) {
        this.backend = backend;
        this.runtimes = runtimes;
        this.logs = logs;
        this.config = config;
        this.clock = clock;
        this.api = RuntimeApiServer.start(config.maxResponseBytes());
        this.background = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("worker-", 0).factory());
        this.starter = new EnvironmentStarter(backend, runtimes, api, config, background);
        this.ownsScheduler = scheduler == null;
        this.scheduler = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("worker-reaper").factory())
                : scheduler;
        long period = config.reapInterval().toMillis();
        this.reaper = this.scheduler.scheduleWithFixedDelay(this::reapOnSchedule, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs one invocation and blocks until its result. Function failures (errors, timeouts, crashes,
     * oversized responses) are results with {@link InvocationResult#functionError()} set, not
     * exceptions.
     *
     * @throws LambdaException {@code InvalidRuntimeException} when the runtime cannot run on this host,
     *     {@code InvalidRequestContentException} for a client context that is not base64,
     *     {@code ServiceException} when no sandbox could be started or the worker is closed
     */
    public InvocationResult invoke(FunctionSnapshot function, InvocationRequest request) {
        if (closed.get()) {
            throw new LambdaException(LambdaErrorType.ServiceException, "The worker is shutting down.");
        }
        Optional<String> unsupported = runtimes.unsupportedReason(function.runtime());
        if (unsupported.isPresent()) {
            throw new LambdaException(LambdaErrorType.InvalidRuntimeException,
                    "The runtime " + function.runtime() + " cannot run on this host: " + unsupported.get());
        }
        Invocation invocation = new Invocation(function, request, decodeClientContext(request), config.logTailBytes());
        SandboxPool.Claim claim = pool.claim(function, invocation, this::newEnvironment);
        ExecutionEnvironment env = claim.environment();
        if (claim.cold()) {
            starter.start(env);
        }
        Finished finished = awaitFinish(env, invocation, claim.cold());
        return report(env, invocation, finished);
    }

    /** The function was deleted: idle sandboxes of it are killed, busy ones when their invocation ends. */
    public void retire(String functionName) {
        pool.retire(functionName);
    }

    /** Every sandbox this worker has, in any phase. */
    public List<SandboxInfo> sandboxes() {
        return pool.infos();
    }

    /**
     * Shuts down sandboxes idle for at least {@link WorkerConfig#idleTimeout()} by the injected clock;
     * runs periodically on the scheduler, and may be called directly. Returns how many were reaped.
     */
    public int reapIdleSandboxes() {
        return pool.reapIdleSince(clock.instant().minus(config.idleTimeout()));
    }

    /** The scheduled reaping: a failure is logged and the next run tries again (it must not stop the schedule). */
    private void reapOnSchedule() {
        try {
            reapIdleSandboxes();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "reaping idle sandboxes failed", e);
        }
    }

    private ExecutionEnvironment newEnvironment(Invocation first) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        String id = "sb-" + hex.toHexDigits(random.nextLong());
        String stream = PlatformLog.logStream(clock.instant(), first.function.version(),
                hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong()));
        return new ExecutionEnvironment(id, first.function, first, config.workDir().resolve(id), stream, pool, clock, logs);
    }

    private Finished awaitFinish(ExecutionEnvironment env, Invocation invocation, boolean cold) {
        Duration timeout = Duration.ofSeconds(invocation.function.timeoutSeconds());
        try {
            Duration firstWait = cold ? config.initTimeout() : timeout;
            try {
                CompletableFuture.anyOf(invocation.delivered, invocation.finished)
                        .get(firstWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                env.timeOut(invocation, firstWait);
            }
            if (!invocation.isFinished()) {
                long deliveredAt = invocation.delivered.join();
                long remaining = deliveredAt + timeout.toNanos() - System.nanoTime();
                try {
                    invocation.finished.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    env.timeOut(invocation, timeout);
                }
            }
            return invocation.finished.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            env.abandon(invocation, "invocation interrupted");
            throw new LambdaException(LambdaErrorType.ServiceException,
                    "Invocation " + invocation.requestId() + " was interrupted.", Map.of(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an invocation future never fails", e);
        }
    }

    private InvocationResult report(ExecutionEnvironment env, Invocation invocation, Finished finished) {
        FunctionSnapshot f = invocation.function;
        String requestId = invocation.requestId();
        InvocationOutcome outcome = finished.outcome();
        env.settleLogs(invocation.request.tailLog());
        boolean delivered = invocation.delivered.isDone();
        if (!delivered) {
            env.log(invocation, PlatformLog.start(requestId, f.version()));
        }
        long startedAt = delivered ? invocation.delivered.join() : invocation.claimedNanos;
        Duration duration = Duration.ofNanos(Math.max(0, finished.atNanos() - startedAt));
        if (outcome instanceof PlatformFailure failure) {
            failure.logLines().forEach(line -> env.log(invocation, line));
        }
        env.log(invocation, PlatformLog.end(requestId));
        long maxMemory = env.maxMemoryUsedBytes();
        env.log(invocation, PlatformLog.report(requestId, duration, invocation.initDuration(), f.memoryMb(), maxMemory,
                InvocationOutcome.reportSuffixOf(outcome)));
        env.detachLogs(invocation);
        return new InvocationResult(InvocationOutcome.payloadOf(outcome), InvocationOutcome.functionErrorOf(outcome),
                invocation.request.tailLog() ? Optional.of(invocation.tail.text()) : Optional.empty(), f.version(),
                duration, invocation.initDuration(), maxMemory);
    }

    private static Optional<String> decodeClientContext(InvocationRequest request) {
        return request.clientContextBase64().map(encoded -> {
            try {
                return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new LambdaException(LambdaErrorType.InvalidRequestContentException,
                        "Client context must be a valid Base64-encoded JSON object.", Map.of(), e);
            }
        });
    }

    /** Kills every sandbox, waits briefly for them to exit, and stops the Runtime API server. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        reaper.cancel(false);
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        List<ExecutionEnvironment> all = pool.shutDownAll();
        CompletableFuture<?>[] gone = all.stream().map(ExecutionEnvironment::gone).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(gone).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(System.Logger.Level.WARNING, "interrupted while waiting for " + all.size() + " sandboxes to exit");
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "sandboxes did not all exit within " + CLOSE_WAIT + " of close()", e);
        }
        try {
            api.close();
        } finally {
            background.shutdown();
        }
    }
}
