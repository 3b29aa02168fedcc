package dev.hearth.worker;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.worker.EnvironmentState.Busy;
import dev.hearth.worker.EnvironmentState.Claimed;
import dev.hearth.worker.EnvironmentState.Idle;
import dev.hearth.worker.EnvironmentState.Initialising;
import dev.hearth.worker.EnvironmentState.ShutDown;
import dev.hearth.worker.EnvironmentState.Warming;
import dev.hearth.worker.InvocationOutcome.FunctionFailure;
import dev.hearth.worker.InvocationOutcome.PlatformFailure;
import dev.hearth.worker.keepalive.KeepAliveDecision;
import dev.hearth.worker.runtimeapi.JsonText;
import dev.hearth.worker.runtimeapi.NextEvent;
import dev.hearth.worker.runtimeapi.RuntimeApiListener;
import dev.hearth.worker.runtimeapi.RuntimeApiReply;
import dev.hearth.worker.runtimeapi.RuntimeApiSession;
import dev.hearth.worker.runtimeapi.StreamedResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
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
        this.changed = pool.lock.newCondition();
        this.state = first.<EnvironmentState>map(invocation -> new Initialising(clock.instant(), System.nanoTime(), invocation))
                .orElseGet(() -> new Warming(clock.instant(), System.nanoTime()));
        this.logTarget = first.orElse(null);
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
        if (sandbox != null) {
            sandbox.kill();
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
                case Idle idle -> { }
                case ShutDown s -> { }
            }
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
    void onOutputLine(String line) {
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
        Sandbox justInitialised = null;
        pool.lock.lock();
        try {
            while (true) {
                switch (state) {
                    case Initialising init -> {
                        Duration initDuration = Duration.ofNanos(System.nanoTime() - init.launchedNanos());
                        init.first().setInitDuration(initDuration);
                        justInitialised = sandboxToTellInitialised();
                        initialised.complete(null);
                        return deliver(init.first());
                    }
                    case Warming warming -> {
                        justInitialised = sandboxToTellInitialised();
                        warmedUp();
                    }
                    case Claimed claimed -> {
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
                            changed.await();
                        }
                    }
                    case Busy busy -> {
                        return RuntimeApiReply.invalidStateTransition();
                    }
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
        return new NextEvent(invocation.requestId(), deadline, invocation.request.invokedFunctionArn(), traceHeader,
                invocation.clientContext, Optional.empty(), invocation.request.payload());
    }

    @Override
    public void delivering(NextEvent event) {
        Invocation target = logTarget;
        if (target != null && target.requestId().equals(event.requestId())) {
            log(target, PlatformLog.start(event.requestId(), function.version()));
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
                busy.invocation().finish(outcome);
                release();
                return RuntimeApiReply.accepted();
            }
            return requestId.equals(lastDeliveredId)
                    ? RuntimeApiReply.invalidStateTransition()
                    : RuntimeApiReply.invalidRequestId();
        } finally {
            pool.lock.unlock();
        }
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
