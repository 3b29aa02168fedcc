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
 * @param concurrentStarts the most sandboxes in Init at once: starting more than the CPUs can carry
 *     lets them starve each other past their Init deadlines, so further starts queue for a slot
 * @param reserveObservedUse whether a running invocation reserves what its function was seen to use
 *     (with a margin) rather than its whole MemorySize: overcommit, as Lambda's placement does, with
 *     each sandbox's memory limit as the guard and the host's measured free memory as the brake
 *     ({@link HostCapacity#admit})
 */
public record CapacitySettings(long runningBudgetMb, long headroomMb, Duration maxWait, int maxWaiting, int concurrentStarts,
        boolean reserveObservedUse) {
    /** Memory kept for Hearth's JVM, the OS and page cache before sandboxes get any: 1 GiB. */
    public static final long DEFAULT_HEADROOM_MB = 1024;
    /** A short queue: a burst that briefly exceeds the host waits rather than failing. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_WAITING = 1000;

    /**
     * Sandboxes in Init at once by default: two per CPU. An Init is mostly CPU-bound (an interpreter
     * starting, imports, the sandbox set-up), so more at once only slows each down.
     */
    public static final int DEFAULT_CONCURRENT_STARTS = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    public CapacitySettings {
        Objects.requireNonNull(maxWait, "maxWait");
        if (runningBudgetMb <= 0 || headroomMb < 0 || maxWait.isNegative() || maxWaiting < 0 || concurrentStarts <= 0) {
            throw new IllegalArgumentException("invalid capacity settings: budget " + runningBudgetMb + " MB, headroom "
                    + headroomMb + " MB, wait " + maxWait + ", queue " + maxWaiting + ", concurrent starts " + concurrentStarts);
        }
    }

    /** Settings with {@link #DEFAULT_CONCURRENT_STARTS}, reserving whole MemorySizes (no overcommit). */
    public CapacitySettings(long runningBudgetMb, long headroomMb, Duration maxWait, int maxWaiting) {
        this(runningBudgetMb, headroomMb, maxWait, maxWaiting, DEFAULT_CONCURRENT_STARTS, false);
    }

    /**
     * For a host with {@code totalMb} of RAM: running invocations may reserve all of it but the
     * default headroom, each reserving what its function was seen to use ({@link #reserveObservedUse}).
     */
    public static CapacitySettings forHost(long totalMb) {
        return new CapacitySettings(Math.max(128, totalMb - DEFAULT_HEADROOM_MB), DEFAULT_HEADROOM_MB, DEFAULT_MAX_WAIT,
                DEFAULT_MAX_WAITING, DEFAULT_CONCURRENT_STARTS, true);
    }

    public CapacitySettings withMaxWait(Duration newMaxWait) {
        return new CapacitySettings(runningBudgetMb, headroomMb, newMaxWait, maxWaiting, concurrentStarts, reserveObservedUse);
    }

    public CapacitySettings withConcurrentStarts(int newConcurrentStarts) {
        return new CapacitySettings(runningBudgetMb, headroomMb, maxWait, maxWaiting, newConcurrentStarts, reserveObservedUse);
    }

    public CapacitySettings withReserveObservedUse(boolean newReserveObservedUse) {
        return new CapacitySettings(runningBudgetMb, headroomMb, maxWait, maxWaiting, concurrentStarts, newReserveObservedUse);
    }
}
