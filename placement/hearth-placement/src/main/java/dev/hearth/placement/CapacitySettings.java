package dev.hearth.placement;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one host's {@link HostCapacity}.
 *
 * @param runningBudgetMb the most MemorySize that running invocations may add up to: a busy sandbox
 *     may use all of its MemorySize, so this must fit in the host's RAM beside Hearth itself
 * @param headroomMb memory that must stay available (MemAvailable) after a new sandbox is started;
 *     below it, idle sandboxes are evicted, then the start waits, then it is throttled
 * @param maxWait the longest an invocation waits for room before it is throttled
 * @param maxWaiting the most invocations waiting at once; more are throttled at once
 */
public record CapacitySettings(long runningBudgetMb, long headroomMb, Duration maxWait, int maxWaiting) {
    /** Memory kept for Hearth's JVM, the OS and page cache before sandboxes get any: 1 GiB. */
    public static final long DEFAULT_HEADROOM_MB = 1024;
    /** A short queue: a burst that briefly exceeds the host waits rather than failing. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_WAITING = 1000;

    public CapacitySettings {
        Objects.requireNonNull(maxWait, "maxWait");
        if (runningBudgetMb <= 0 || headroomMb < 0 || maxWait.isNegative() || maxWaiting < 0) {
            throw new IllegalArgumentException("invalid capacity settings: budget " + runningBudgetMb + " MB, headroom "
                    + headroomMb + " MB, wait " + maxWait + ", queue " + maxWaiting);
        }
    }

    /**
     * For a host with {@code totalMb} of RAM: running invocations may use all of it but the default
     * headroom (Lambda's memory is a hard reservation per running sandbox; idle ones are accounted by
     * what they really use).
     */
    public static CapacitySettings forHost(long totalMb) {
        return new CapacitySettings(Math.max(128, totalMb - DEFAULT_HEADROOM_MB), DEFAULT_HEADROOM_MB, DEFAULT_MAX_WAIT,
                DEFAULT_MAX_WAITING);
    }

    public CapacitySettings withMaxWait(Duration newMaxWait) {
        return new CapacitySettings(runningBudgetMb, headroomMb, newMaxWait, maxWaiting);
    }
}
