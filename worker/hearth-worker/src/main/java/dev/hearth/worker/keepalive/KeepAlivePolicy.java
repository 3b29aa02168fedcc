package dev.hearth.worker.keepalive;

import java.time.Instant;
import java.util.Optional;

/**
 * Decides how long an idle sandbox stays warm, and whether the worker should shut it down at once and
 * initialise a new one shortly before the function's next expected invocation (pre-warming).
 *
 * <p>The worker reports every invocation's arrival ({@link #onArrival}) and asks for a decision each
 * time a sandbox becomes idle ({@link #onIdle}). Decisions are per function version
 * ({@link FunctionKey}).
 *
 * <p>Threading: implementations are thread-safe; the worker calls them from many invocation threads
 * at once, {@link #onIdle} while holding its pool lock: every call must be fast, non-blocking (no
 * I/O) and must never call back into the worker.
 */
public interface KeepAlivePolicy {

    /** The name shown in metrics and logs, e.g. {@code fixed} or {@code adaptive}. */
    String name();

    /** An invocation of {@code function} arrived at {@code at} (warm or cold alike). */
    void onArrival(FunctionKey function, Instant at);

    /** A sandbox of {@code function} became idle at {@code idleSince}: how to treat it. */
    KeepAliveDecision onIdle(FunctionKey function, Instant idleSince);

    /**
     * A sandbox of {@code function}, idle since {@code idleSince}, was shut down because the keep-alive
     * the policy gave it ran out. The policy may want a new one pre-warmed before the next expected
     * invocation: a decision whose {@code prewarmAfter} counts from {@code idleSince}. The default
     * wants none.
     */
    default Optional<KeepAliveDecision> afterExpiry(FunctionKey function, Instant idleSince) {
        return Optional.empty();
    }

    /** The function version no longer exists (deleted, or a new revision replaced it): forget it. */
    void forget(FunctionKey function);

    /** What the policy has learned and decided so far, for metrics. */
    KeepAliveStats stats();
}
