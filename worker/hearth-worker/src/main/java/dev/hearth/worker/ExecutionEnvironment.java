package dev.hearth.worker;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.worker.EnvironmentState.Busy;
import dev.hearth.worker.EnvironmentState.Claimed;
import dev.hearth.worker.EnvironmentState.Idle;
import dev.hearth.worker.EnvironmentState.Initialising;
import dev.hearth.worker.EnvironmentState.ShutDown;
import dev.hearth.worker.InvocationOutcome.FunctionFailure;
import dev.hearth.worker.InvocationOutcome.PlatformFailure;
import dev.hearth.worker.runtimeapi.JsonText;
import dev.hearth.worker.runtimeapi.NextEvent;
import dev.hearth.worker.runtimeapi.RuntimeApiListener;
import dev.hearth.worker.runtimeapi.RuntimeApiReply;
import dev.hearth.worker.runtimeapi.RuntimeApiSession;
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

/**
 * One execution environment: a sandbox running one runtime for exactly one function version at one
 * revision, and its lifecycle as an explicit state machine ({@link EnvironmentState}). It is also the
 * Runtime API session of its sandbox's connector.
 *
 * <p>Threading: every state transition happens under the pool's lock ({@link SandboxPool#lock}); the
 * lock is never held while calling the log sink or waiting for a sandbox.
 */
final class ExecutionEnvironment implements RuntimeApiSession {
    final String id;
    final FunctionSnapshot function;
    final SandboxPool.PoolKey key;
    final String logGroup;
    final String logStream;
    final Path scratchDir;
    private final SandboxPool pool;
    private final InstantSource clock;
    private final LogSink logs;
    private final Condition changed;

    // guarded by pool.lock
    private EnvironmentState state;
    private boolean draining;
    private String lastDeliveredId = "";
    private Sandbox sandbox;

    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private volatile Invocation logTarget;
    private volatile LogPump pump;
    private volatile RuntimeApiListener listener;

    ExecutionEnvironment(String id, FunctionSnapshot function, Invocation first, Path scratchDir, String logStream,
            SandboxPool pool, InstantSource clock, LogSink logs) {
        this.id = id;
        this.function = function;
        this.key = SandboxPool.PoolKey.of(function);
        this.logGroup = PlatformLog.logGroup(function.functionName());
        this.logStream = logStream;
        this.scratchDir = scratchDir;
        this.pool = pool;
        this.clock = clock;
        this.logs = logs;
        this.changed = pool.lock.newCondition();
        this.state = new Initialising(clock.instant(), System.nanoTime(), first);
        this.logTarget = first;
    }

    // ---- lifecycle, driven by the pool and the worker -------------------------------------------

    /** Takes an idle environment for {@code invocation}; false when it is not idle. Caller holds the lock. */
    boolean claim(Invocation invocation) {
        if (state instanceof Idle) {
            state = new Claimed(clock.instant(), invocation);
            changed.signalAll();
            return true;
        }
        return false;
    }

    /** Records the running sandbox; false (and the sandbox killed) when the environment was shut down meanwhile. */
    boolean attach(Sandbox started, RuntimeApiListener openListener, LogPump startedPump) {
        pool.lock.lock();
        try {
            this.sandbox = started;
            this.listener = openListener;
            this.pump = startedPump;
            if (state instanceof ShutDown) {
                started.kill();
                return false;
            }
            return true;
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

    /** Shuts down when idle, otherwise once the invocation in hand ends. Caller holds the lock. */
    void retire(String reason) {
        switch (state) {
            case Idle idle -> shutDown(reason);
            case Initialising i -> draining = true;
            case Claimed c -> draining = true;
            case Busy b -> draining = true;
            case ShutDown s -> { }
        }
    }

    /** Shuts down if idle since {@code cutoff} or earlier. Caller holds the lock. */
    boolean reapIfIdleSince(Instant cutoff) {
        if (state instanceof Idle idle && !idle.since().isAfter(cutoff)) {
            shutDown("idle timeout");
            return true;
        }
        return false;
    }

    /** Kills the sandbox and never leaves {@link ShutDown}. Caller holds the lock. */
    void shutDown(String reason) {
        if (state instanceof ShutDown) {
            return;
        }
        state = new ShutDown(clock.instant(), reason);
        changed.signalAll();
        pool.forgetIdle(this);
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
                EnvironmentState.phaseOf(state), state.since(), logStream);
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
        logs.append(logGroup, logStream, clock.instant(), line);
    }

    /** A platform line for {@code invocation}. */
    void log(Invocation invocation, String line) {
        invocation.tail.add(line);
        logs.append(logGroup, logStream, clock.instant(), line);
    }

    /** Waits until output written before now has been read. */
    void settleLogs(boolean thorough) {
        LogPump current = pump;
        if (current != null) {
            current.settle(thorough);
        }
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
    public NextOutcome awaitNext() throws InterruptedException {
        pool.lock.lock();
        try {
            while (true) {
                switch (state) {
                    case Initialising init -> {
                        Duration initDuration = Duration.ofNanos(System.nanoTime() - init.launchedNanos());
                        init.first().setInitDuration(initDuration);
                        return deliver(init.first());
                    }
                    case Claimed claimed -> {
                        return deliver(claimed.invocation());
                    }
                    case Idle idle -> changed.await();
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
        }
    }

    private NextEvent deliver(Invocation invocation) {
        state = new Busy(clock.instant(), invocation);
        lastDeliveredId = invocation.requestId();
        logTarget = invocation;
        invocation.markDelivered();
        long deadline = clock.millis() + invocation.function.timeoutSeconds() * 1000L;
        return new NextEvent(invocation.requestId(), deadline, invocation.request.invokedFunctionArn(), traceId(),
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
    public RuntimeApiReply response(String requestId, byte[] body) {
        return complete(requestId, new InvocationOutcome.Response(body));
    }

    @Override
    public RuntimeApiReply responseTooLarge(String requestId, long size, long limit) {
        RuntimeApiReply reply = complete(requestId, new PlatformFailure("Function.ResponseSizeTooLarge",
                "Response payload size (" + size + " bytes) exceeded maximum allowed payload size (" + limit + " bytes).",
                "error", List.of()));
        return reply.isAccepted() ? RuntimeApiReply.payloadTooLarge(limit) : reply;
    }

    @Override
    public RuntimeApiReply error(String requestId, String errorType, byte[] body) {
        return complete(requestId, new FunctionFailure(errorDocument(errorType, body), errorType, false));
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
            return RuntimeApiReply.invalidStateTransition();
        } finally {
            pool.lock.unlock();
        }
    }

    private RuntimeApiReply complete(String requestId, InvocationOutcome outcome) {
        pool.lock.lock();
        try {
            if (state instanceof Busy busy && busy.invocation().requestId().equals(requestId)) {
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
            state = new Idle(clock.instant());
            pool.pushIdle(this);
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

    private String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("Root=1-%08x-%012x%012x;Parent=%016x;Sampled=0", clock.millis() / 1000,
                random.nextLong(1L << 48), random.nextLong(1L << 48), random.nextLong());
    }
}
