package dev.hearth.worker;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.threads.HearthThreads;
import dev.hearth.worker.EnvironmentState.Busy;
import dev.hearth.worker.EnvironmentState.Claimed;
import dev.hearth.worker.EnvironmentState.Finishing;
import dev.hearth.worker.EnvironmentState.Idle;
import dev.hearth.worker.EnvironmentState.Initialising;
import dev.hearth.worker.EnvironmentState.ShutDown;
import dev.hearth.worker.EnvironmentState.Warming;
import dev.hearth.worker.InvocationOutcome.FunctionFailure;
import dev.hearth.worker.InvocationOutcome.PlatformFailure;
import dev.hearth.worker.keepalive.KeepAliveDecision;
import dev.hearth.worker.runtimeapi.ExtensionsApi;
import dev.hearth.worker.runtimeapi.JsonText;
import dev.hearth.worker.runtimeapi.NextEvent;
import dev.hearth.worker.runtimeapi.RuntimeApiListener;
import dev.hearth.worker.runtimeapi.RuntimeApiReply;
import dev.hearth.worker.runtimeapi.RuntimeApiSession;
import dev.hearth.worker.runtimeapi.StreamedResponse;
import dev.hearth.worker.runtimeapi.TelemetryApi;
import dev.hearth.runtimes.ExtensionsLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution environment: a sandbox running one runtime for exactly one function version at one
 * revision, and its lifecycle as an explicit state machine ({@link EnvironmentState}). It is also the
 * Runtime API session of its sandbox's connector.
 *
 * <p>An environment is launched either for a first invocation ({@link Initialising}, a cold start)
 * or without one ({@link Warming}: provisioned concurrency, a keep-alive pre-warm, or the sandbox a
 * SnapStart snapshot is taken of); {@link #origin} says which.
 *
 * <p>Threading: every state transition happens under the pool's lock ({@link SandboxPool#lock}); the
 * lock is never held while calling the log sink or waiting for a sandbox.
 */
final class ExecutionEnvironment implements RuntimeApiSession {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironment.class);
    /**
     * How long the invoking thread waits for the pump to read a log marker the runtime said it wrote.
     * It is normally read at once; the bound only matters when the marker went elsewhere (a function
     * that redirected its own standard output).
     */
    private static final Duration MARKER_WAIT = Duration.ofSeconds(2);
    /**
     * How long an environment must stay idle (its runtime waiting in {@code /next}) before its
     * sandbox is frozen. Long enough that back-to-back invocations pay nothing; short enough that a
     * handler's leftover processes get no meaningful time. Measured in docs/benchmarks.md.
     */
    static final Duration FREEZE_GRACE = Duration.ofMillis(50);
    /** Runs each freeze on a virtual thread of its own (a freeze waits for the kernel). */
    private static final Executor FREEZER = HearthThreads.perTaskVirtual("sandbox-freezer");
    /**
     * Lambda's Shutdown phase with external extensions registered: they get the SHUTDOWN event and
     * this long (from the event) before the sandbox is killed.
     */
    static final Duration EXTENSIONS_SHUTDOWN = Duration.ofMillis(2000);
    /** Why an environment was launched. */
    enum Origin {
        /** For an invocation that found no warm sandbox: a cold start. */
        INVOCATION(InitializationType.ON_DEMAND),
        /** To keep the version's provisioned concurrency. */
        PROVISIONED(InitializationType.PROVISIONED_CONCURRENCY),
        /** By the keep-alive policy, shortly before an expected invocation. */
        PREWARM(InitializationType.ON_DEMAND),
        /** To be saved as the version's SnapStart snapshot once initialised; never serves invocations. */
        SNAPSHOT(InitializationType.SNAP_START),
        /** Restored from the version's snapshot for an invocation. */
        RESTORED(InitializationType.SNAP_START);

        final InitializationType initializationType;

        Origin(InitializationType initializationType) {
            this.initializationType = initializationType;
        }
    }

    final String id;
    final Origin origin;
    final FunctionRevision function;
    final SandboxPool.PoolKey key;
    final String logGroup;
    final String logStream;
    final Path scratchDir;
    /** The sandbox's own credentials for Hearth's AWS APIs (its {@code AWS_ACCESS_KEY_ID} ...). */
    final SandboxCredentials credentials;
    /** The extensions of this environment and its Extensions API. */
    final EnvironmentExtensions extensions;
    /** The telemetry subscriptions of its extensions. */
    final EnvironmentTelemetry telemetry;
    private final SandboxPool pool;
    private final InstantSource clock;
    private final LogSink logs;
    private final Condition changed;

    // guarded by pool.lock
    private EnvironmentState state;
    private boolean draining;
    private String lastDeliveredId = "";
    private int served;
    private Sandbox sandbox;
    /** Whether {@link Sandbox#initialised()} was called (or is being called) for {@link #sandbox}. */
    private boolean sandboxToldInitialised;
    /** Whether a freeze is scheduled for the current idle period (see {@link #scheduleFreeze}). */
    private boolean freezeScheduled;
    /** Counts scheduled freezes, so that a late one of an earlier idle period does nothing. */
    private long freezeTicket;
    /**
     * The freeze of the sandbox in progress or done (true once frozen, false if it failed); null while
     * the sandbox runs. Whoever takes it out thaws the sandbox.
     */
    private CompletableFuture<Boolean> freezing;

    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    /** Completes when the runtime first calls {@code /next}; exceptionally when it never will. */
    private final CompletableFuture<Void> initialised = new CompletableFuture<>();
    /** How long a pre-warmed environment stays idle before it is reaped, from when it is initialised. */
    private final Duration warmKeepAlive;
    private volatile Invocation logTarget;
    private volatile LogPump pump;
    private volatile RuntimeApiListener listener;

    /**
     * @param first the invocation it is launched for; required for {@link Origin#INVOCATION} and
     *     {@link Origin#RESTORED}, absent otherwise
     * @param warmKeepAlive how long it stays idle once initialised without an invocation
     *     ({@link Origin#PREWARM}); ignored for other origins
     */
    ExecutionEnvironment(String id, Origin origin, FunctionRevision function, Optional<Invocation> first,
            Duration warmKeepAlive, Path scratchDir, String logStream, SandboxPool pool, InstantSource clock,
            LogSink logs, SandboxCredentials credentials) {
        boolean forInvocation = origin == Origin.INVOCATION || origin == Origin.RESTORED;
        if (forInvocation != first.isPresent()) {
            throw new IllegalArgumentException(origin + " environments " + (forInvocation ? "need" : "take no")
                    + " first invocation");
        }
        this.id = id;
        this.origin = origin;
        this.warmKeepAlive = warmKeepAlive;
        this.function = function;
        this.key = SandboxPool.PoolKey.of(function);
        this.logGroup = PlatformLog.logGroup(function.functionName());
        this.logStream = logStream;
        this.scratchDir = scratchDir;
        this.pool = pool;
        this.clock = clock;
        this.logs = logs;
        this.credentials = credentials;
        this.extensions = new EnvironmentExtensions(function, this::extensionError);
        this.telemetry = new EnvironmentTelemetry(extensions, clock);
        this.changed = pool.lock.newCondition();
        this.state = first.<EnvironmentState>map(invocation -> new Initialising(clock.instant(), System.nanoTime(), invocation))
                .orElseGet(() -> new Warming(clock.instant(), System.nanoTime()));
        this.logTarget = first.orElse(null);
        telemetry.publish("platform", "platform.initStart", "{\"initializationType\":"
                + JsonText.quote(origin.initializationType.variableValue()) + ",\"phase\":\"init\",\"functionName\":"
                + JsonText.quote(function.functionName()) + ",\"functionVersion\":" + JsonText.quote(function.version()) + "}");
    }

    /** Telemetry of the end of Init, {@code launchedNanos} being when the sandbox was launched. */
    private void publishInitDone(long launchedNanos) {
        String type = JsonText.quote(origin.initializationType.variableValue());
        telemetry.publish("platform", "platform.initRuntimeDone",
                "{\"initializationType\":" + type + ",\"phase\":\"init\",\"status\":\"success\"}");
        telemetry.publish("platform", "platform.initReport", "{\"initializationType\":" + type
                + ",\"phase\":\"init\",\"status\":\"success\",\"metrics\":{\"durationMs\":"
                + PlatformLog.millis(Duration.ofNanos(System.nanoTime() - launchedNanos)) + "}}");
        telemetry.initDone();
    }

    /** {@code platform.runtimeDone} of {@code invocation}: the runtime's part is over with {@code status}. */
    private void publishRuntimeDone(Invocation invocation, String status, long producedBytes) {
        long since = invocation.delivered.isDone() ? invocation.delivered.join() : invocation.claimedNanos;
        telemetry.publish("platform", "platform.runtimeDone", "{\"requestId\":" + JsonText.quote(invocation.requestId())
                + ",\"status\":" + JsonText.quote(status) + ",\"metrics\":{\"durationMs\":"
                + PlatformLog.millis(Duration.ofNanos(System.nanoTime() - since)) + ",\"producedBytes\":" + producedBytes + "}}");
    }

    /** {@code platform.report} of {@code invocation}, with the REPORT line's figures. */
    void publishReport(Invocation invocation, String status, Duration duration, long billedMs, long maxMemoryUsedMb) {
        StringBuilder record = new StringBuilder("{\"requestId\":").append(JsonText.quote(invocation.requestId()))
                .append(",\"status\":").append(JsonText.quote(status))
                .append(",\"metrics\":{\"durationMs\":").append(PlatformLog.millis(duration))
                .append(",\"billedDurationMs\":").append(billedMs)
                .append(",\"memorySizeMB\":").append(function.memoryMb())
                .append(",\"maxMemoryUsedMB\":").append(maxMemoryUsedMb);
        invocation.initDuration().ifPresent(d -> record.append(",\"initDurationMs\":").append(PlatformLog.millis(d)));
        telemetry.publish("platform", "platform.report", record.append("}}").toString());
    }

    InitializationType initializationType() {
        return origin.initializationType;
    }

    /** Serves the version's provisioned concurrency: claimed first, never reaped for idleness. */
    boolean isProvisioned() {
        return origin == Origin.PROVISIONED;
    }

    // ---- lifecycle, driven by the pool and the worker -------------------------------------------

    /** Takes an idle environment for {@code invocation}; false when it is not idle. Caller holds the lock. */
    boolean claim(Invocation invocation) {
        if (state instanceof Idle) {
            served++;
            state = new Claimed(clock.instant(), invocation);
            changed.signalAll();
            return true;
        }
        return false;
    }

    /**
     * Records the running sandbox; false (and the sandbox killed) when the environment was shut down
     * meanwhile. A runtime may finish Init before its sandbox is recorded here (a fast runtime, a
     * restored snapshot): the sandbox is then told now that Init is over.
     */
    boolean attach(Sandbox started, RuntimeApiListener openListener, LogPump startedPump) {
        Sandbox toTell;
        pool.lock.lock();
        try {
            this.sandbox = started;
            this.listener = openListener;
            this.pump = startedPump;
            if (state instanceof ShutDown) {
                started.kill();
                return false;
            }
            boolean initFinished = initialised.isDone() && !initialised.isCompletedExceptionally();
            toTell = initFinished ? sandboxToTellInitialised() : null;
        } finally {
            pool.lock.unlock();
        }
        if (toTell != null) {
            toTell.initialised();
        }
        return true;
    }

    /**
     * Caller holds the lock and the runtime has finished Init: the sandbox to tell so (once), or null
     * when it was told already or is not recorded yet ({@link #attach} tells it then).
     */
    private Sandbox sandboxToTellInitialised() {
        if (sandbox == null || sandboxToldInitialised) {
            return null;
        }
        sandboxToldInitialised = true;
        return sandbox;
    }

    /**
     * The sandbox is launched only now (after waiting for a SnapStart snapshot): Init (or Restore)
     * Duration counts from here.
     */
    void launchingNow() {
        pool.lock.lock();
        try {
            if (state instanceof Initialising init) {
                state = new Initialising(init.since(), System.nanoTime(), init.first());
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /** The sandbox could not be started: fail nothing (the caller reports), forget the environment. */
    void launchFailed() {
        pool.lock.lock();
        try {
            shutDown("launch failed");
            pool.remove(this);
        } finally {
            pool.lock.unlock();
        }
        gone.complete(null);
    }

    /** Completes once the sandbox has exited and its listener and scratch directory are released. */
    CompletableFuture<Void> gone() {
        return gone;
    }

    /**
     * Completes when the runtime has finished Init (its first {@code /next}); completes exceptionally
     * with an {@link EnvironmentFailedException} when it failed or was shut down before that.
     */
    CompletableFuture<Void> initialised() {
        return initialised;
    }

    /** The sandbox, once launched; for the snapshot taker. */
    Optional<Sandbox> sandbox() {
        pool.lock.lock();
        try {
            return Optional.ofNullable(sandbox);
        } finally {
            pool.lock.unlock();
        }
    }

    /** Shuts down when idle, otherwise once the invocation in hand ends. Caller holds the lock. */
    void retire(String reason) {
        switch (state) {
            case Idle idle -> shutDown(reason);
            case Warming w -> shutDown(reason);
            case Initialising i -> draining = true;
            case Claimed c -> draining = true;
            case Busy b -> draining = true;
            case Finishing f -> draining = true;
            case ShutDown s -> { }
        }
    }

    /** Shuts down if idle past its keep-alive at {@code now}. Caller holds the lock. */
    boolean reapIfExpired(Instant now) {
        if (state instanceof Idle idle && !idle.until().isAfter(now)) {
            shutDown("idle timeout");
            return true;
        }
        return false;
    }

    /** Shuts down a {@link Warming} environment whose runtime took longer than {@code limit} to initialise. */
    boolean timeOutWarming(Duration limit) {
        if (state instanceof Warming warming && System.nanoTime() - warming.launchedNanos() > limit.toNanos()) {
            initialised.completeExceptionally(new EnvironmentFailedException(
                    "Init did not finish within " + limit.toSeconds() + " s"));
            shutDown("init timeout");
            return true;
        }
        return false;
    }

    /** Idle since when, or empty when not idle. Caller holds the lock. */
    Optional<Instant> idleSince() {
        return state instanceof Idle idle ? Optional.of(idle.since()) : Optional.empty();
    }

    /** Whether no invocation has claimed it yet (one launched for an invocation has one from the start). Caller holds the lock. */
    boolean servedNothing() {
        return served == 0;
    }

    /** Whether its runtime has finished Init and it is not shut down. Caller holds the lock. */
    boolean isInitialised() {
        return isLive() && initialised.isDone() && !initialised.isCompletedExceptionally();
    }

    /** Not shut down. Caller holds the lock. */
    boolean isLive() {
        return !(state instanceof ShutDown);
    }

    /** Kills the sandbox and never leaves {@link ShutDown}. Caller holds the lock. */
    void shutDown(String reason) {
        if (state instanceof ShutDown) {
            return;
        }
        state = new ShutDown(clock.instant(), reason);
        changed.signalAll();
        pool.forgetIdle(this);
        initialised.completeExceptionally(new EnvironmentFailedException("shut down before Init finished: " + reason));
        thawForShutdown();
        Sandbox toKill = sandbox;
        if (toKill == null) {
            closeExtensions();
            return;
        }
        // Lambda's Shutdown phase: the extensions subscribed to SHUTDOWN get it and until its deadline
        // (or until each asked for its next event) before the sandbox is killed
        CompletableFuture<Void> goodbye = extensions.dispatchShutdown(shutdownReason(reason),
                clock.millis() + EXTENSIONS_SHUTDOWN.toMillis());
        if (goodbye.isDone()) {
            closeExtensions();
            toKill.kill();
        } else {
            goodbye.completeOnTimeout(null, EXTENSIONS_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((ok, failure) -> {
                        closeExtensions();
                        toKill.kill();
                    });
        }
    }

    /** The extensions' APIs end: waiting calls return, the relay is sent away. */
    private void closeExtensions() {
        extensions.close();
        telemetry.close();
    }

    /** The {@code shutdownReason} of Lambda's SHUTDOWN event for one of {@link #shutDown}'s reasons. */
    private static String shutdownReason(String reason) {
        if (reason.equals("timeout") || reason.equals("init timeout")) {
            return "timeout";
        }
        if (reason.startsWith("init error") || reason.startsWith("exited") || reason.startsWith("launch failed")
                || reason.startsWith("invocation interrupted") || reason.startsWith("extension")) {
            return "failure";
        }
        return "spindown";
    }

    /**
     * An extension reported an error: during Init it fails Init as the runtime's {@code /init/error}
     * does; an exit error later retires the environment (it is not reused).
     */
    private void extensionError(String errorType, boolean exiting) {
        pool.lock.lock();
        try {
            if (state instanceof Initialising || state instanceof Warming) {
                initError(errorType, new byte[0]);
            } else if (exiting) {
                retire("extension exit error: " + errorType);
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /**
     * The extensions subscribed to INVOKE did not finish {@code invocation} by its deadline: the
     * environment is not reused.
     */
    void extensionsTimedOut(Invocation invocation) {
        pool.lock.lock();
        try {
            if (state instanceof Finishing finishing && finishing.invocation() == invocation) {
                shutDown("extensions timed out");
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /** The sandbox's processes have all exited: fail what was in flight, release the listener and scratch. */
    void onExit(SandboxExit exit) {
        pool.lock.lock();
        try {
            switch (state) {
                case Initialising init -> {
                    init.first().setInitDuration(Duration.ofNanos(System.nanoTime() - init.launchedNanos()));
                    init.first().finish(exitFailure(init.first(), exit));
                }
                case Warming w -> initialised.completeExceptionally(new EnvironmentFailedException(
                        "Runtime exited during Init: " + ExitDescription.of(exit)));
                case Claimed claimed -> claimed.invocation().finish(exitFailure(claimed.invocation(), exit));
                case Busy busy -> busy.invocation().finish(exitFailure(busy.invocation(), exit));
                case Finishing f -> { }
                case Idle idle -> { }
                case ShutDown s -> { }
            }
            closeExtensions(); // nothing is left to hear a SHUTDOWN event
            shutDown("exited: " + ExitDescription.of(exit));
            pool.remove(this);
        } finally {
            pool.lock.unlock();
        }
        try {
            RuntimeApiListener open = listener;
            if (open != null) {
                open.close();
            }
            ScratchDirectory.delete(scratchDir);
        } finally {
            gone.complete(null);
        }
    }

    /**
     * The invocation ran out of time (the function's timeout, or the init timeout before the runtime
     * took it): shut the sandbox down and answer Lambda's timeout error, unless it finished meanwhile.
     */
    void timeOut(Invocation invocation, Duration limit) {
        pool.lock.lock();
        try {
            if (state instanceof Initialising init && init.first() == invocation) {
                invocation.setInitDuration(Duration.ofNanos(System.nanoTime() - init.launchedNanos()));
            }
            String line = PlatformLog.timedOut(limit);
            if (invocation.finish(new PlatformFailure("Sandbox.Timedout",
                    "RequestId: " + invocation.requestId() + " Error: " + line, "timeout",
                    List.of(PlatformLog.timestamp(clock.instant()) + " " + invocation.requestId() + " " + line)))) {
                if (invocation.delivered.isDone()) {
                    publishRuntimeDone(invocation, "timeout", 0);
                }
                shutDown("timeout");
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /** The invoking thread gave up (interrupted): the sandbox cannot be trusted to be free again. */
    void abandon(Invocation invocation, String why) {
        pool.lock.lock();
        try {
            if (invocation.finish(new PlatformFailure("Runtime.Unknown",
                    "RequestId: " + invocation.requestId() + " Error: " + why, "error", List.of()))) {
                shutDown(why);
            }
        } finally {
            pool.lock.unlock();
        }
    }

    SandboxInfo info() {
        return new SandboxInfo(id, function.functionName(), function.version(), function.revisionId(),
                EnvironmentState.phaseOf(state), state.since(), logStream, initializationType(), isProvisioned());
    }

    long maxMemoryUsedBytes() {
        pool.lock.lock();
        Sandbox current;
        try {
            current = sandbox;
        } finally {
            pool.lock.unlock();
        }
        return current == null ? 0 : current.usage().maxMemoryBytes();
    }

    // ---- logs ------------------------------------------------------------------------------------

    /** A line the runtime printed: into the current invocation's tail (if any) and the log stream. */
    void onOutputLine(String output) {
        boolean fromExtension = !output.isEmpty() && output.charAt(0) == ExtensionsLauncher.EXTENSION_LINE_MARK;
        String line = fromExtension ? output.substring(1) : output;
        telemetry.publishLine(line, fromExtension);
        Invocation target = logTarget;
        if (target != null) {
            target.tail.add(line);
        }
        logs.append(function.account(), logGroup, logStream, clock.instant(), line);
    }

    /** A platform line for {@code invocation}. */
    void log(Invocation invocation, String line) {
        invocation.tail.add(line);
        logs.append(function.account(), logGroup, logStream, clock.instant(), line);
    }

    /**
     * Waits until the output the runtime wrote for {@code invocation} before it ended has been read,
     * and ends a last line written without a newline, so that both land in the invocation's log
     * before {@code END}: deterministically when the runtime marked the end of its output (see
     * {@link LogPump}), otherwise by a bounded settle.
     */
    void settleLogs(Invocation invocation) {
        LogPump current = pump;
        if (current == null) {
            return;
        }
        if (invocation.logsMarked()) {
            try {
                if (current.awaitMarker(invocation.requestId(), MARKER_WAIT)) {
                    return;
                }
                LOG.debug("sandbox {}: the log marker of {} was not read within {}; settling instead", id,
                        invocation.requestId(), MARKER_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        current.settle(invocation.request.tailLog());
        current.flushPartial();
    }

    /** Output read from now on no longer belongs to {@code invocation}. */
    void detachLogs(Invocation invocation) {
        pool.lock.lock();
        try {
            if (logTarget == invocation) {
                logTarget = null;
            }
        } finally {
            pool.lock.unlock();
        }
    }

    // ---- Runtime API -----------------------------------------------------------------------------

    @Override
    public String sandboxAccessKeyId() {
        return credentials.accessKeyId();
    }

    @Override
    public NextOutcome awaitNext() throws InterruptedException {
        boolean inInit;
        pool.lock.lock();
        try {
            inInit = state instanceof Initialising || state instanceof Warming;
        } finally {
            pool.lock.unlock();
        }
        // Init ends when the runtime and every extension are ready: the runtime's first /next waits
        if (inInit && !extensions.awaitInitDone()) {
            return RuntimeApiReply.shuttingDown();
        }
        Sandbox justInitialised = null;
        pool.lock.lock();
        try {
            while (true) {
                switch (state) {
                    case Initialising init -> {
                        Duration initDuration = Duration.ofNanos(System.nanoTime() - init.launchedNanos());
                        init.first().setInitDuration(initDuration);
                        publishInitDone(init.launchedNanos());
                        justInitialised = sandboxToTellInitialised();
                        initialised.complete(null);
                        return deliver(init.first());
                    }
                    case Warming warming -> {
                        publishInitDone(warming.launchedNanos());
                        justInitialised = sandboxToTellInitialised();
                        warmedUp();
                    }
                    case Claimed claimed -> {
                        freezeScheduled = false;
                        if (freezing != null) {
                            thawBeforeDelivery();
                            continue; // the lock was let go: look again
                        }
                        return deliver(claimed.invocation());
                    }
                    case Idle idle -> {
                        if (justInitialised != null) {
                            // tell the sandbox before blocking: its steady-state limits apply from now on
                            Sandbox toTell = justInitialised;
                            justInitialised = null;
                            pool.lock.unlock();
                            try {
                                toTell.initialised();
                            } finally {
                                pool.lock.lock();
                            }
                        } else {
                            scheduleFreeze();
                            changed.await();
                        }
                    }
                    case Busy busy -> {
                        return RuntimeApiReply.invalidStateTransition();
                    }
                    case Finishing finishing -> changed.await();
                    case ShutDown s -> {
                        return RuntimeApiReply.shuttingDown();
                    }
                }
            }
        } finally {
            pool.lock.unlock();
            if (justInitialised != null) {
                justInitialised.initialised();
            }
        }
    }

    /**
     * The runtime of a {@link Warming} environment finished Init: it becomes idle (a snapshot's
     * sandbox stays out of the pool: its taker saves it next). Caller holds the lock.
     */
    private void warmedUp() {
        Instant now = clock.instant();
        Instant until = switch (origin) {
            case PROVISIONED, SNAPSHOT -> Instant.MAX;
            case PREWARM -> now.plus(warmKeepAlive);
            case INVOCATION, RESTORED -> throw new IllegalStateException(origin + " environments never warm");
        };
        state = new Idle(now, until);
        changed.signalAll();
        if (origin != Origin.SNAPSHOT) {
            pool.pushIdle(this);
        }
        initialised.complete(null);
    }

    private NextEvent deliver(Invocation invocation) {
        state = new Busy(clock.instant(), invocation);
        lastDeliveredId = invocation.requestId();
        logTarget = invocation;
        invocation.markDelivered();
        long deadline = clock.millis() + invocation.function.timeoutSeconds() * 1000L;
        String traceHeader = TraceHeader.forInvocation(invocation.request.traceHeader(), function.tracingMode(),
                clock.instant(), ThreadLocalRandom.current());
        extensions.dispatchInvoke(invocation.requestId(), deadline, invocation.request.invokedFunctionArn(), traceHeader)
                .whenComplete((ok, failure) -> invocation.extensionsDone.complete(System.nanoTime()));
        return new NextEvent(invocation.requestId(), deadline, invocation.request.invokedFunctionArn(), traceHeader,
                invocation.clientContext, Optional.empty(), invocation.request.payload());
    }

    @Override
    public void delivering(NextEvent event) {
        Invocation target = logTarget;
        if (target != null && target.requestId().equals(event.requestId())) {
            log(target, PlatformLog.start(event.requestId(), function.version()));
            telemetry.publish("platform", "platform.start", "{\"requestId\":" + JsonText.quote(event.requestId())
                    + ",\"version\":" + JsonText.quote(function.version())
                    + ",\"tracing\":{\"type\":\"X-Amzn-Trace-Id\",\"value\":" + JsonText.quote(event.traceId()) + "}}");
        }
    }

    @Override
    public RuntimeApiReply response(String requestId, byte[] body, boolean logsMarked) {
        return complete(requestId, new InvocationOutcome.Response(body), logsMarked);
    }

    @Override
    public RuntimeApiReply responseTooLarge(String requestId, long size, long limit, boolean logsMarked) {
        RuntimeApiReply reply = complete(requestId, new PlatformFailure("Function.ResponseSizeTooLarge",
                "Response payload size (" + size + " bytes) exceeded maximum allowed payload size (" + limit + " bytes).",
                "error", List.of()), logsMarked);
        return reply.isAccepted() ? RuntimeApiReply.payloadTooLarge(limit) : reply;
    }

    @Override
    public RuntimeApiReply error(String requestId, String errorType, byte[] body, boolean logsMarked) {
        return complete(requestId, new FunctionFailure(errorDocument(errorType, body), errorType, false), logsMarked);
    }

    @Override
    public Optional<StreamedResponse> openStream(String requestId, String contentType) {
        pool.lock.lock();
        try {
            if (state instanceof Busy busy && busy.invocation().requestId().equals(requestId)
                    && busy.invocation().openStream()) {
                busy.invocation().stream.contentType(contentType);
                return Optional.of(new EnvironmentStream(busy.invocation()));
            }
            return Optional.empty();
        } finally {
            pool.lock.unlock();
        }
    }

    /** The streamed response of one invocation, passed through its {@link ResponseStreamGate}. */
    private final class EnvironmentStream implements StreamedResponse {
        private final Invocation invocation;
        private boolean tooLarge;

        EnvironmentStream(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public boolean write(byte[] bytes, int offset, int length) {
            return switch (invocation.stream.pass(bytes, offset, length)) {
                case TAKEN -> true;
                case CLOSED -> false;
                case TOO_LARGE -> {
                    tooLarge = true;
                    yield false;
                }
            };
        }

        @Override
        public RuntimeApiReply end(Optional<StreamError> error, boolean logsMarked) {
            if (tooLarge) {
                long limit = invocation.stream.limit();
                RuntimeApiReply reply = complete(invocation.requestId(), new PlatformFailure("Function.ResponseSizeTooLarge",
                        "Response payload size exceeded maximum allowed payload size (" + limit + " bytes).", "error",
                        List.of()), logsMarked);
                return reply.isAccepted() ? RuntimeApiReply.payloadTooLarge(limit) : reply;
            }
            InvocationOutcome outcome = error.<InvocationOutcome>map(e -> new FunctionFailure(
                    errorDocument(e.errorType(), e.body()), e.errorType(), false))
                    .orElseGet(() -> new InvocationOutcome.Response(new byte[0]));
            return complete(invocation.requestId(), outcome, logsMarked);
        }

        @Override
        public RuntimeApiReply broken(String why) {
            return complete(invocation.requestId(), new PlatformFailure("Runtime.TruncatedResponse",
                    "RequestId: " + invocation.requestId() + " Error: the runtime's streamed response broke off: " + why,
                    "error", List.of()), false);
        }
    }

    @Override
    public RuntimeApiReply initError(String errorType, byte[] body) {
        pool.lock.lock();
        try {
            if (state instanceof Initialising init) {
                Invocation first = init.first();
                first.setInitDuration(Duration.ofNanos(System.nanoTime() - init.launchedNanos()));
                first.finish(new FunctionFailure(errorDocument(errorType, body), errorType, true));
                shutDown("init error");
                return RuntimeApiReply.accepted();
            }
            if (state instanceof Warming) {
                initialised.completeExceptionally(new EnvironmentFailedException("Init error: "
                        + new String(errorDocument(errorType, body), StandardCharsets.UTF_8)));
                shutDown("init error");
                return RuntimeApiReply.accepted();
            }
            return RuntimeApiReply.invalidStateTransition();
        } finally {
            pool.lock.unlock();
        }
    }

    private RuntimeApiReply complete(String requestId, InvocationOutcome outcome, boolean logsMarked) {
        pool.lock.lock();
        try {
            if (state instanceof Busy busy && busy.invocation().requestId().equals(requestId)) {
                if (logsMarked) {
                    busy.invocation().markLogs();
                }
                Invocation invocation = busy.invocation();
                invocation.finish(outcome);
                publishRuntimeDone(invocation, outcome instanceof InvocationOutcome.Response ? "success"
                        : outcome instanceof FunctionFailure ? "error" : "failure",
                        outcome instanceof InvocationOutcome.Response response ? response.payload().length : 0);
                if (invocation.extensionsDone.isDone()) {
                    release();
                } else {
                    // free once the extensions subscribed to INVOKE are done with it too
                    state = new Finishing(clock.instant(), invocation);
                    changed.signalAll();
                    invocation.extensionsDone.whenComplete((at, failure) -> extensionsFinished(invocation));
                }
                return RuntimeApiReply.accepted();
            }
            return requestId.equals(lastDeliveredId)
                    ? RuntimeApiReply.invalidStateTransition()
                    : RuntimeApiReply.invalidRequestId();
        } finally {
            pool.lock.unlock();
        }
    }

    /** The extensions are done with {@code invocation}: the environment is released if it still waits for them. */
    private void extensionsFinished(Invocation invocation) {
        pool.lock.lock();
        try {
            if (state instanceof Finishing finishing && finishing.invocation() == invocation) {
                release();
            }
        } finally {
            pool.lock.unlock();
        }
    }

    @Override
    public ExtensionsApi extensions() {
        return extensions;
    }

    @Override
    public TelemetryApi telemetry() {
        return telemetry;
    }

    // ---- freezing idle sandboxes -------------------------------------------------------------------

    /**
     * The runtime waits in {@code /next} and the environment is idle: freezes the sandbox, off this
     * thread, once {@link #FREEZE_GRACE} has passed with the environment still idle (so back-to-back
     * invocations pay neither the freeze nor the thaw). Once per idle period; never for a snapshot's
     * sandbox (its taker saves it running) or a sandbox that cannot freeze. Caller holds the lock.
     */
    private void scheduleFreeze() {
        if (freezeScheduled || freezing != null || sandbox == null || origin == Origin.SNAPSHOT
                || !sandbox.canFreeze()) {
            return;
        }
        freezeScheduled = true;
        long ticket = ++freezeTicket;
        CompletableFuture.runAsync(() -> freezeIfStillIdle(ticket),
                CompletableFuture.delayedExecutor(FREEZE_GRACE.toNanos(), TimeUnit.NANOSECONDS, FREEZER));
    }

    /** Runs on {@link #FREEZER}: freezes the sandbox if the environment is still in the idle period it was scheduled in. */
    private void freezeIfStillIdle(long ticket) {
        Sandbox target;
        CompletableFuture<Boolean> job = new CompletableFuture<>();
        pool.lock.lock();
        try {
            if (!(state instanceof Idle) || !freezeScheduled || ticket != freezeTicket || freezing != null) {
                return;
            }
            freezing = job;
            target = sandbox;
        } finally {
            pool.lock.unlock();
        }
        try {
            target.freeze();
            job.complete(true);
        } catch (RuntimeException e) {
            LOG.warn("sandbox {}: cannot freeze it while idle; it keeps running", id, e);
            job.complete(false);
        }
    }

    /**
     * A frozen (or freezing) sandbox was claimed: waits for the freeze to finish, then thaws, with
     * the lock let go meanwhile. A sandbox that cannot be thawed is shut down (its invocation fails as
     * a runtime exit). Caller holds the lock; holds it again on return.
     */
    private void thawBeforeDelivery() {
        CompletableFuture<Boolean> job = freezing;
        freezing = null;
        Sandbox target = sandbox;
        pool.lock.unlock();
        RuntimeException failure = null;
        try {
            job.join();
            long start = System.nanoTime();
            target.thaw();
            LOG.debug("sandbox {}: thawed in {} µs", id, (System.nanoTime() - start) / 1000);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            pool.lock.lock();
        }
        if (failure != null) {
            LOG.error("sandbox {}: cannot thaw it for an invocation; shutting it down", id, failure);
            shutDown("cannot thaw");
        }
    }

    /**
     * Shutting down: thaws a frozen sandbox so that its extensions hear SHUTDOWN (kill works on frozen
     * sandboxes anyway), on {@link #FREEZER} once a freeze in progress has finished: never under the
     * lock. Caller holds the lock.
     */
    private void thawForShutdown() {
        CompletableFuture<Boolean> job = freezing;
        freezing = null;
        freezeScheduled = false;
        Sandbox target = sandbox;
        if (job == null || target == null) {
            return;
        }
        job.whenCompleteAsync((frozen, failure) -> {
            try {
                target.thaw();
            } catch (RuntimeException e) {
                LOG.debug("sandbox {}: cannot thaw it while shutting down; it is killed anyway", id, e);
            }
        }, FREEZER);
    }

    /** After an invocation ended normally: back to the pool, or shut down if retired or outdated. */
    private void release() {
        if (draining) {
            shutDown("retired");
        } else if (pool.isOutdated(this)) {
            shutDown("newer revision");
        } else {
            Instant now = clock.instant();
            if (isProvisioned()) {
                state = new Idle(now, Instant.MAX);
                pool.pushIdle(this);
                return;
            }
            KeepAliveDecision decision = pool.keepAlive(this, now);
            if (decision.prewarms()) {
                shutDown("keep-alive: pre-warm later");
            } else {
                state = new Idle(now, now.plus(decision.keepAlive()));
                pool.pushIdle(this);
            }
        }
    }

    private PlatformFailure exitFailure(Invocation invocation, SandboxExit exit) {
        String type = exit.outOfMemory() ? "Runtime.OutOfMemory" : "Runtime.ExitError";
        String message = "RequestId: " + invocation.requestId() + " Error: Runtime exited with error: "
                + ExitDescription.of(exit);
        return new PlatformFailure(type, message, "error", List.of(message, type));
    }

    /** The error body as posted; Lambda builds one from the error type header when the body is empty. */
    private static byte[] errorDocument(String errorType, byte[] body) {
        if (body.length > 0) {
            return body;
        }
        String type = errorType.isEmpty() ? "Runtime.Unknown" : errorType;
        return ("{\"errorMessage\":\"\",\"errorType\":" + JsonText.quote(type) + "}").getBytes(StandardCharsets.UTF_8);
    }
}
