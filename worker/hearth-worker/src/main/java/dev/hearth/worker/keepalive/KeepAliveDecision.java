package dev.hearth.worker.keepalive;

import java.time.Duration;
import java.util.Objects;

/**
 * What to do with a sandbox that just became idle at time {@code t}.
 *
 * <ul>
 *   <li>{@code prewarmAfter} zero: keep it warm until {@code t + keepAlive}, then shut it down.
 *   <li>{@code prewarmAfter} positive: shut it down now (it would only sit idle), and have a new
 *       sandbox initialised at {@code t + prewarmAfter} and kept until {@code t + prewarmAfter +
 *       keepAlive} (unless an invocation takes it earlier).
 * </ul>
 * A {@code keepAlive} of zero with {@code prewarmAfter} zero shuts the sandbox down at once.
 */
public record KeepAliveDecision(Duration prewarmAfter, Duration keepAlive) {
    public KeepAliveDecision {
        Objects.requireNonNull(prewarmAfter, "prewarmAfter");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (prewarmAfter.isNegative() || keepAlive.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative: " + prewarmAfter + ", " + keepAlive);
        }
    }

    /** Keep the sandbox warm for {@code keepAlive}. */
    public static KeepAliveDecision keepFor(Duration keepAlive) {
        return new KeepAliveDecision(Duration.ZERO, keepAlive);
    }

    /** Whether the sandbox is to be shut down now and a new one pre-warmed later. */
    public boolean prewarms() {
        return prewarmAfter.isPositive();
    }
}
