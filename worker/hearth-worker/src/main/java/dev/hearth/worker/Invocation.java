package dev.hearth.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One invocation in flight: what to run, and two one-shot signals, {@link #delivered} (the runtime
 * took the event) and {@link #finished} (it ended, however it ended). The first {@link #finish}
 * wins; later ones (a response racing a timeout) are ignored by the caller.
 *
 * <p>Threading: shared between the invoking thread, the Runtime API handler threads and the sandbox's
 * exit watcher; all fields are final, volatile or thread-safe.
 */
final class Invocation {
    final FunctionRevision function;
    final InvocationRequest request;
    /** The client context as JSON text ({@code X-Amz-Client-Context} decoded), when given. */
    final Optional<String> clientContext;
    final LogTail tail;
    final long claimedNanos = System.nanoTime();
    /** Completes with {@link System#nanoTime()} when the runtime receives the event. */
    final CompletableFuture<Long> delivered = new CompletableFuture<>();
    final CompletableFuture<Finished> finished = new CompletableFuture<>();
    /**
     * Completes with {@link System#nanoTime()} when every extension subscribed to INVOKE has asked
     * for its next event after this invocation's (at delivery when none subscribed).
     */
    final CompletableFuture<Long> extensionsDone = new CompletableFuture<>();
    private volatile Duration initDuration;
    /** Whether the runtime wrote the log marker before it posted the outcome; set before {@link #finish}. */
    private volatile boolean logsMarked;

    /** An outcome and when it happened ({@link System#nanoTime()}). */
    record Finished(InvocationOutcome outcome, long atNanos) {}

    /** The gate to the caller's stream for a streamed invocation; null for a buffered one. */
    final ResponseStreamGate stream;
    /** Whether the runtime has opened its streamed response (at most once). */
    private final AtomicBoolean streamOpened = new AtomicBoolean();

    Invocation(FunctionRevision function, InvocationRequest request, Optional<String> clientContext, int tailBytes) {
        this(function, request, clientContext, tailBytes, null);
    }

    Invocation(FunctionRevision function, InvocationRequest request, Optional<String> clientContext, int tailBytes,
            ResponseStreamGate stream) {
        this.function = function;
        this.request = request;
        this.clientContext = clientContext;
        this.tail = request.tailLog() ? new LogTail(tailBytes) : LogTail.DISCARD;
        this.stream = stream;
    }

    /** True once, for the first streamed response of a streamed invocation. */
    boolean openStream() {
        return stream != null && streamOpened.compareAndSet(false, true);
    }

    String requestId() {
        return request.requestId();
    }

    boolean finish(InvocationOutcome outcome) {
        return finished.complete(new Finished(outcome, System.nanoTime()));
    }

    boolean isFinished() {
        return finished.isDone();
    }

    void markDelivered() {
        delivered.complete(System.nanoTime());
    }

    /** The runtime wrote the log marker for this invocation before posting its outcome (see {@link LogPump}). */
    void markLogs() {
        logsMarked = true;
    }

    boolean logsMarked() {
        return logsMarked;
    }

    /** Set on the invocation that started its sandbox (a cold start) once initialisation ended. */
    void setInitDuration(Duration duration) {
        initDuration = duration;
    }

    Optional<Duration> initDuration() {
        return Optional.ofNullable(initDuration);
    }
}
