package dev.hearth.worker;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.placement.HostCapacity;
import dev.hearth.placement.ScalingRate;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxImage;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.threads.HearthThreads;
import dev.hearth.worker.ExecutionEnvironment.Origin;
import dev.hearth.worker.keepalive.FunctionKey;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import dev.hearth.worker.Invocation.Finished;
import dev.hearth.worker.InvocationOutcome.PlatformFailure;
import dev.hearth.worker.runtimeapi.RuntimeApiServer;
import org.eclipse.jetty.server.Handler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Time: keep-alive, idle accounting and the housekeeping ({@link #runHousekeeping()}) follow the
 * injected {@link InstantSource}; the host's available memory is read through
 * {@link WorkerConfig#hostMemory()}. Both are what tests replace.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final SandboxBackend backend;
    private final RuntimeCatalog runtimes;
    private final LogSink logs;
    private final WorkerConfig config;
    private final InstantSource clock;
    private final SandboxPool pool;
    private final KeepAlivePolicy keepAlive;
    private final HostCapacity capacity;
    private final ScalingRate scaling;
    private final Optional<SnapStartImages> snapStart;
    /**
     * How long a cold invocation waits for a start slot: Lambda's longest function timeout. A burst is
     * accepted work: it completes later rather than failing (the scaling rate and the concurrency
     * limits bound how much can queue).
     */
    private static final Duration START_SLOT_WAIT = Duration.ofMinutes(15);
    /** How long a sandbox started ahead of invocations (provisioned, pre-warmed) waits for a start slot. */
    private static final Duration BACKGROUND_START_WAIT = Duration.ofMinutes(15);
    private final RuntimeApiServer api;
    /** The credentials of every sandbox that lives (and of SnapStart snapshots, whose restores share them), by key id. */
    private final Map<String, SandboxCredentials> sandboxKeys = new ConcurrentHashMap<>();
    /** The most memory (MB) any sandbox of a function was seen to use, by unqualified ARN; forgotten when it is deleted. */
    private final Map<String, Long> observedPeakMb = new ConcurrentHashMap<>();
    private final ExecutorService background;
    private final EnvironmentStarter starter;
    private final OptTrees optTrees;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ScheduledFuture<?> housekeeping;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock provisionLock = new ReentrantLock();

    /** A worker with its own single-thread scheduler for its housekeeping. */
    public Worker(SandboxBackend backend, RuntimeCatalog runtimes, LogSink logs, WorkerConfig config,
            InstantSource clock) {
        this(backend, runtimes, logs, config, clock, null);
    }

    /**
     * A worker that runs its housekeeping ({@link #runHousekeeping()}) every
     * {@link WorkerConfig#reapInterval()} on {@code scheduler} (not shut down by {@link #close()});
     * {@code null} makes a scheduler of its own.
     */
    public Worker(SandboxBackend backend, RuntimeCatalog runtimes, LogSink logs, WorkerConfig config,
            InstantSource clock, ScheduledExecutorService scheduler) {
        this.backend = backend;
        this.runtimes = runtimes;
        this.logs = logs;
        this.config = config;
        this.clock = clock;
        this.keepAlive = config.keepAlive();
        this.pool = new SandboxPool(clock, keepAlive);
        this.capacity = new HostCapacity("local", config.capacity(), config.hostMemory());
        this.scaling = new ScalingRate(config.scalingSandboxes(), config.scalingPeriod(), clock);
        this.api = RuntimeApiServer.start(config.maxResponseBytes());
        this.background = HearthThreads.perTaskVirtual("worker");
        this.optTrees = new OptTrees(config.workDir().resolve("layers"), clock);
        this.starter = new EnvironmentStarter(backend, runtimes, api, config, background, optTrees);
        this.snapStart = backend.snapshots().map(snapshots -> new SnapStartImages(snapshots,
                config.workDir().resolve("snapstart"), config.initTimeout(), background));
        this.ownsScheduler = scheduler == null;
        this.scheduler = ownsScheduler
                ? HearthThreads.scheduler("worker-housekeeping")
                : scheduler;
        long period = config.reapInterval().toMillis();
        this.housekeeping = this.scheduler.scheduleWithFixedDelay(this::housekeepOnSchedule, period, period,
                TimeUnit.MILLISECONDS);
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
    public InvocationResult invoke(FunctionRevision function, InvocationRequest request) {
        return run(function, request, null);
    }

    /**
     * Runs one invocation whose response is streamed to {@code chunks} as the runtime makes it
     * (response streaming), and blocks until it ended. A runtime that streams
     * ({@code Lambda-Runtime-Function-Response-Mode: streaming}) has its chunks passed on as they
     * arrive, within {@link WorkerConfig#streaming()}'s size limit and bandwidth cap; a response
     * posted whole is passed on whole once it arrived. The result's payload is empty for a response
     * (it went to {@code chunks}) and the error document for a failure, which may come after some
     * chunks (an error in the stream's trailers, a timeout, a crash, an oversized stream).
     * {@code chunks} is never called once this method has returned.
     *
     * @throws LambdaException as {@link #invoke} does, before any chunk
     */
    public InvocationResult invokeStreaming(FunctionRevision function, InvocationRequest request, ResponseChunks chunks) {
        return run(function, request, new ResponseStreamGate(chunks, config.streaming()));
    }

    private InvocationResult run(FunctionRevision function, InvocationRequest request, ResponseStreamGate stream) {
        if (closed.get()) {
            throw new LambdaException(LambdaErrorType.ServiceException, "The worker is shutting down.");
        }
        Optional<String> unsupported = runtimes.unsupportedReason(function.runtime());
        if (unsupported.isPresent()) {
            throw new LambdaException(LambdaErrorType.InvalidRuntimeException,
                    "The runtime " + function.runtime() + " cannot run on this host: " + unsupported.get());
        }
        Invocation invocation = new Invocation(function, request, decodeClientContext(request), config.logTailBytes(),
                stream);
        keepAlive.onArrival(SandboxPool.PoolKey.of(function).functionKey(), clock.instant());
        Optional<SnapStartImages> restoring = function.snapStart() ? snapStart : Optional.empty();
        Origin origin = restoring.isPresent() ? Origin.RESTORED : Origin.INVOCATION;
        try (HostCapacity.Reservation room = capacity.admit(function.memoryMb(), observedPeakMb(function), vcpus(function))) {
            SandboxPool.Claim claim = pool.claim(function, invocation,
                    first -> newEnvironment(origin, first.function, Optional.of(first), Duration.ZERO));
            ExecutionEnvironment env = claim.environment();
            if (claim.cold()) {
                HostCapacity.StartSlot slot = null;
                try {
                    scaling.acquire(function.unqualifiedArn());
                    // a burst queues here for a start slot, so its Inits do not starve each other; the
                    // Init deadline (awaitFinish) counts from when the sandbox got its slot
                    slot = capacity.startSlot(START_SLOT_WAIT);
                    room.startSandbox(pool::evictIdle);
                } catch (LambdaException throttled) {
                    if (slot != null) {
                        slot.close();
                    }
                    env.launchFailed();
                    throw throttled;
                }
                holdUntilInitEnds(env, slot);
                if (restoring.isPresent()) {
                    restore(env, restoring.get());
                } else {
                    starter.start(env);
                }
                env.initialised().thenRun(room::settled);
            }
            Finished finished;
            try {
                finished = awaitFinish(env, invocation, claim.cold());
            } finally {
                if (stream != null) {
                    stream.close(); // no chunk reaches the consumer once the invocation is over
                }
            }
            awaitExtensions(env, invocation);
            if (stream != null && finished.outcome() instanceof InvocationOutcome.Response whole) {
                stream.passWhole(whole.payload());
                finished = new Finished(new InvocationOutcome.Response(new byte[0]), finished.atNanos());
            }
            return report(env, invocation, finished);
        }
    }

    /** The most memory a sandbox of {@code function} was seen to use, if any has run (what overcommit reserves by). */
    private OptionalLong observedPeakMb(FunctionRevision function) {
        Long peak = observedPeakMb.get(function.unqualifiedArn());
        return peak == null ? OptionalLong.empty() : OptionalLong.of(peak);
    }

    /** Gives the start slot back when {@code env}'s Init ends: its first {@code /next}, a failure, or the sandbox gone. */
    private static void holdUntilInitEnds(ExecutionEnvironment env, HostCapacity.StartSlot slot) {
        env.initialised().whenComplete((ok, failure) -> slot.close());
        env.gone().whenComplete((ok, failure) -> slot.close());
    }

    private static double vcpus(FunctionRevision function) {
        return ResourceLimits.forMemory(function.memoryMb(), function.ephemeralStorageMb()).vcpus();
    }

    /** Starts {@code env} from its version's SnapStart snapshot, taking the snapshot first if there is none. */
    private void restore(ExecutionEnvironment env, SnapStartImages images) {
        SandboxImage image;
        try {
            image = images.image(env.function, this::launchForSnapshot)
                    .get(config.initTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            env.launchFailed();
            throw new LambdaException(LambdaErrorType.ServiceException, "Interrupted while waiting for the SnapStart snapshot.",
                    Map.of(), e);
        } catch (ExecutionException | TimeoutException e) {
            env.launchFailed();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new LambdaException(LambdaErrorType.ServiceException, "SnapStart could not prepare "
                    + env.function.functionArn() + ": " + cause.getMessage(), Map.of(), cause);
        }
        SandboxSnapshots snapshots = backend.snapshots().orElseThrow();
        env.launchingNow();
        starter.start(env, spec -> snapshots.restore(image, spec));
    }

    /** Registers and launches the sandbox a version's SnapStart snapshot is taken of. */
    private ExecutionEnvironment launchForSnapshot(FunctionRevision function) {
        ExecutionEnvironment env = pool.register(function,
                f -> newEnvironment(Origin.SNAPSHOT, f, Optional.empty(), Duration.ZERO));
        SandboxSnapshots snapshots = backend.snapshots().orElseThrow();
        starter.start(env, snapshots::launchForSnapshot);
        return env;
    }

    /**
     * Makes sure the SnapStart snapshot of a version exists, taking it now if needed (Lambda takes it
     * when a version is published). Completes when it is ready; completes at once when SnapStart does
     * not apply to the version or the backend cannot take snapshots.
     */
    public CompletableFuture<Void> prepareSnapStart(FunctionRevision function) {
        if (!function.snapStart() || snapStart.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return snapStart.get().image(function, this::launchForSnapshot).thenApply(image -> null);
    }

    /** Whether this worker's backend can save sandboxes, i.e. SnapStart versions restore from snapshots. */
    public boolean takesSnapStartSnapshots() {
        return snapStart.isPresent();
    }

    /**
     * Keeps {@code count} sandboxes of exactly this function version (and revision) initialised and
     * ready, with {@code AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency}: Lambda's provisioned
     * concurrency. Invocations of the version take them before any on-demand sandbox; one that dies is
     * replaced. A new revision of the version replaces them all; {@code count} 0 releases them.
     * Returns at once: progress is reported by {@link #provisioned}.
     */
    public void provision(FunctionRevision function, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (closed.get()) {
            throw new LambdaException(LambdaErrorType.ServiceException, "The worker is shutting down.");
        }
        pool.setProvisioned(function, count);
        launchMissingProvisioned();
    }

    /**
     * The provisioned concurrency of a function version; {@link ProvisionedCapacity#NONE} when none.
     *
     * @param functionArn the function's unqualified ARN
     */
    public ProvisionedCapacity provisioned(String functionArn, String version) {
        return pool.provisionedCapacity(new FunctionKey(functionArn, version));
    }

    /**
     * Launches the provisioned environments that targets lack; returns how many. Serialised, so that
     * two callers never both launch the same missing environment (each registers before the next one
     * counts).
     */
    private int launchMissingProvisioned() {
        provisionLock.lock();
        try {
            int launched = 0;
            for (FunctionRevision function : pool.missingProvisioned()) {
                if (closed.get()) {
                    return launched;
                }
                if (!capacity.roomForSandbox(function.memoryMb())) {
                    pool.provisionedOutcome(function, Optional.of("INSUFFICIENT_HOST_CAPACITY: no room for another "
                            + function.memoryMb() + " MB sandbox on this host (" + capacity.usage() + ")"));
                    continue;
                }
                ExecutionEnvironment env = pool.register(function,
                        f -> newEnvironment(Origin.PROVISIONED, f, Optional.empty(), Duration.ZERO));
                launchInBackground(env);
                launched++;
                env.initialised().whenComplete((ok, failure) -> {
                    pool.provisionedOutcome(function, failure == null ? Optional.empty()
                            : Optional.of(rootMessage(failure)));
                    if (failure == null) {
                        // a provisioned sandbox that served and then died is replaced at once; one that
                        // failed Init waits for the next housekeeping round (no crash loop)
                        env.gone().thenRunAsync(this::launchMissingProvisionedQuietly, background);
                    }
                });
            }
            return launched;
        } finally {
            provisionLock.unlock();
        }
    }

    private void launchMissingProvisionedQuietly() {
        try {
            launchMissingProvisioned();
        } catch (RuntimeException e) {
            LOG.error("replacing provisioned sandboxes failed", e);
        }
    }

    /**
     * Launches an environment registered without an invocation, on a background thread, once it has a
     * start slot (waiting behind invocations' starts as long as it takes, up to {@link #BACKGROUND_START_WAIT}).
     */
    private void launchInBackground(ExecutionEnvironment env) {
        background.execute(() -> {
            try {
                HostCapacity.StartSlot slot;
                try {
                    slot = capacity.startSlot(BACKGROUND_START_WAIT);
                } catch (LambdaException noSlot) {
                    env.launchFailed();
                    throw noSlot;
                }
                holdUntilInitEnds(env, slot);
                starter.start(env);
            } catch (LambdaException e) {
                // launchFailed already shut the environment down, which fails its initialised() future
                LOG.warn("could not start {} sandbox {}", env.origin, env.id, e);
            }
        });
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * The function was deleted: idle sandboxes of it are killed, busy ones when their invocation ends.
     *
     * @param functionArn the function's unqualified ARN
     */
    public void retire(String functionArn) {
        observedPeakMb.remove(functionArn);
        pool.retire(functionArn);
    }

    /**
     * The live credentials with access key id {@code accessKeyId}, if a sandbox of this worker holds
     * them: Hearth's API endpoint verifies calls signed with them (and their session token) and takes
     * them as the function's account. Credentials end with their sandbox; those of a SnapStart
     * snapshot, which every sandbox restored from it shares, live as long as this worker.
     */
    public Optional<SandboxCredentials> sandboxCredentials(String accessKeyId) {
        return Optional.ofNullable(sandboxKeys.get(accessKeyId));
    }

    /**
     * Lets sandboxes call Hearth's own AWS APIs at their Runtime API address ({@code AWS_ENDPOINT_URL}):
     * requests signed with a sandbox's own credentials go to {@code forwarder}, which carries them to
     * Hearth's API endpoint; others are refused. Until this is called, sandboxes reach no API.
     */
    public void forwardAwsApis(Handler forwarder) {
        api.forwardAwsApis(forwarder);
    }

    /** Every sandbox this worker has, in any phase. */
    public List<SandboxInfo> sandboxes() {
        return pool.infos();
    }

    /** The worker's counters and gauges now. */
    public WorkerMetrics metrics() {
        return pool.metrics();
    }

    /** The host's room for invocations and new sandboxes, now. */
    public HostCapacity.Usage capacity() {
        return capacity.usage();
    }

    /** The keep-alive policy in use. */
    public KeepAlivePolicy keepAlivePolicy() {
        return keepAlive;
    }

    /**
     * One round of the worker's housekeeping, by the injected clock, in this order: shuts down
     * sandboxes idle past the keep-alive policy's decision, shuts down sandboxes stuck in Init, starts
     * the pre-warms that are due, launches missing provisioned sandboxes, deletes SnapStart
     * snapshots of outdated revisions and the layers' {@code /opt} trees unused for
     * {@link OptTrees#KEPT_UNUSED}. Runs every {@link WorkerConfig#reapInterval()} on the
     * scheduler, and may be called directly (tests, benchmarks). Returns what it did.
     */
    public Housekeeping runHousekeeping() {
        Instant now = clock.instant();
        int reaped = shutDownExpiredIdleSandboxes(now);
        int stuck = shutDownSandboxesStuckInInit();
        int prewarmed = closed.get() ? 0 : startDuePrewarms(now);
        int provisioned = closed.get() ? 0 : launchMissingProvisioned();
        int deleted = deleteOutdatedSnapStartImages();
        optTrees.deleteUnusedSince(now.minus(OptTrees.KEPT_UNUSED));
        return new Housekeeping(reaped, stuck, prewarmed, provisioned, deleted);
    }

    /** Shuts down the sandboxes idle past their keep-alive at {@code now}; returns how many. */
    private int shutDownExpiredIdleSandboxes(Instant now) {
        return pool.reapExpired(now);
    }

    /** Shuts down sandboxes launched without an invocation whose Init outlasted the init timeout; returns how many. */
    private int shutDownSandboxesStuckInInit() {
        return pool.timeOutWarming(config.initTimeout());
    }

    /** Launches the keep-alive policy's pre-warms due at {@code now} that fit on the host; returns how many. */
    private int startDuePrewarms(Instant now) {
        int started = 0;
        for (SandboxPool.Prewarm prewarm : pool.takeDuePrewarms(now)) {
            if (!capacity.roomForSandbox(prewarm.function().memoryMb())) {
                LOG.debug("pre-warm of {} skipped: no room on this host", prewarm.function().functionArn());
                continue;
            }
            ExecutionEnvironment env = pool.register(prewarm.function(),
                    f -> newEnvironment(Origin.PREWARM, f, Optional.empty(), prewarm.keepAlive()));
            launchInBackground(env);
            started++;
        }
        return started;
    }

    /** Deletes the SnapStart snapshots of revisions that are no longer current; returns how many. */
    private int deleteOutdatedSnapStartImages() {
        return snapStart.map(images -> images.deleteOutdated(pool::isCurrent)).orElse(0);
    }

    /** The scheduled housekeeping: a failure is logged and the next run tries again (it must not stop the schedule). */
    private void housekeepOnSchedule() {
        try {
            runHousekeeping();
        } catch (RuntimeException e) {
            LOG.error("housekeeping failed; trying again in {}", config.reapInterval(), e);
        }
    }

    private ExecutionEnvironment newEnvironment(Origin origin, FunctionRevision function, Optional<Invocation> first,
            Duration warmKeepAlive) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        String id = "sb-" + hex.toHexDigits(random.nextLong());
        String stream = PlatformLog.logStream(clock.instant(), function.version(),
                hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong()));
        SandboxCredentials credentials = SandboxCredentials.mint(function.account());
        sandboxKeys.put(credentials.accessKeyId(), credentials);
        ExecutionEnvironment env = new ExecutionEnvironment(id, origin, function, first, warmKeepAlive,
                config.workDir().resolve(id), stream, pool, clock, logs, credentials);
        if (origin != Origin.SNAPSHOT) {
            env.gone().whenComplete((exit, failure) -> sandboxKeys.remove(credentials.accessKeyId()));
        }
        return env;
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

    /**
     * Waits until the extensions subscribed to INVOKE are done with {@code invocation} (each asked for
     * its next event), at most until the invocation's deadline; past it the environment is not reused.
     */
    private static void awaitExtensions(ExecutionEnvironment env, Invocation invocation) {
        if (!invocation.delivered.isDone()) {
            return;
        }
        long deadline = invocation.delivered.join() + Duration.ofSeconds(invocation.function.timeoutSeconds()).toNanos();
        try {
            invocation.extensionsDone.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            env.extensionsTimedOut(invocation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            env.abandon(invocation, "invocation interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the extensions' future never fails", e);
        }
    }

    private InvocationResult report(ExecutionEnvironment env, Invocation invocation, Finished finished) {
        FunctionRevision f = invocation.function;
        String requestId = invocation.requestId();
        InvocationOutcome outcome = finished.outcome();
        env.settleLogs(invocation);
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
        if (maxMemory > 0) {
            observedPeakMb.merge(f.unqualifiedArn(), (maxMemory + (1 << 20) - 1) >> 20, Math::max);
        }
        // the extensions' work after the runtime's response is billed, as on Lambda, but not in Duration
        Duration extensionsOverhead = delivered && invocation.extensionsDone.isDone()
                ? Duration.ofNanos(Math.max(0, invocation.extensionsDone.join() - finished.atNanos()))
                : Duration.ZERO;
        env.log(invocation, PlatformLog.report(requestId, duration, extensionsOverhead, invocation.initDuration(),
                env.origin == Origin.RESTORED, f.memoryMb(), maxMemory, InvocationOutcome.reportSuffixOf(outcome)));
        env.publishReport(invocation, reportStatus(outcome), duration, PlatformLog.billedMillis(duration, extensionsOverhead,
                invocation.initDuration(), env.origin == Origin.RESTORED), (maxMemory + (1 << 20) - 1) >> 20);
        env.detachLogs(invocation);
        return new InvocationResult(InvocationOutcome.payloadOf(outcome), InvocationOutcome.functionErrorOf(outcome),
                invocation.request.tailLog() ? Optional.of(invocation.tail.text()) : Optional.empty(), f.version(),
                duration, invocation.initDuration(), maxMemory);
    }

    /** The {@code status} of {@code platform.report}: success, error (the function's), timeout or failure. */
    private static String reportStatus(InvocationOutcome outcome) {
        return switch (outcome) {
            case InvocationOutcome.Response r -> "success";
            case InvocationOutcome.FunctionFailure f -> "error";
            case PlatformFailure p -> p.reportStatus().equals("timeout") ? "timeout" : "failure";
        };
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
        housekeeping.cancel(false);
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        List<ExecutionEnvironment> all = pool.shutDownAll();
        CompletableFuture<?>[] gone = all.stream().map(ExecutionEnvironment::gone).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(gone).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for {} sandboxes to exit", all.size());
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("sandboxes did not all exit within {} of close()", CLOSE_WAIT, e);
        }
        try {
            snapStart.ifPresent(SnapStartImages::close);
            optTrees.close();
            api.close();
        } finally {
            background.shutdown();
        }
    }
}
