package dev.hearth.placement;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The room one host has for invocations and new sandboxes.
 *
 * <p>Two rules, both exact under any number of threads:
 * <ol>
 *   <li>Running invocations reserve their function's MemorySize (or, with overcommit, what the
 *       function was seen to use, while the host's measured free memory stays above the headroom);
 *       together they never exceed {@link CapacitySettings#runningBudgetMb()}.
 *   <li>A new sandbox starts only when the host's measured available memory ({@link HostMemory}),
 *       less the MemorySize of sandboxes started but not yet settled, leaves
 *       {@link CapacitySettings#headroomMb()}. Idle sandboxes count by what they really use; when
 *       the room is not there, idle ones are evicted (least recently used first) to make it.
 * </ol>
 * When neither is possible at once, the caller waits, first come first served, at most
 * {@link CapacitySettings#maxWait()} and never behind more than {@link CapacitySettings#maxWaiting()}
 * others; then it is throttled with 429 {@code TooManyRequestsException}, Reason
 * {@value #THROTTLE_REASON}, and a message naming the numbers. Nothing piles up without bound.
 *
 * <p>CPU limits how many sandboxes run their Init at once ({@link #startSlot}): a burst of cold
 * starts is admitted at the rate the host's CPUs carry and the rest queue, so every Init finishes
 * within its deadline instead of all of them starving. Otherwise CPU is not a limit (running
 * sandboxes time-share it under their cgroup quota) but is counted, for choosing among hosts.
 *
 * <p>Threading: thread-safe; {@link #admit} and {@link #startSlot} block (a virtual thread) while
 * waiting.
 */
public final class HostCapacity {
    /** The {@code Reason} of a throttle for lack of host capacity. */
    public static final String THROTTLE_REASON = "HostCapacityExceeded";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Margin added to an observed peak under overcommit. */
    static final long RESERVE_MARGIN_MB = 16;
    /** The least a running invocation reserves under overcommit. */
    static final long MIN_RESERVATION_MB = 32;

    private final String hostId;
    private final CapacitySettings settings;
    private final HostMemory memory;
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Slots for sandboxes in Init; fair, so starts are admitted in arrival order. */
    private final Semaphore starts;
    private final Condition released = lock.newCondition();

    // guarded by lock
    private long runningMb;
    private double runningVcpus;
    private long settlingMb;
    private int waiting;
    private long admitted;
    private long waited;
    private long throttled;
    private long evictions;

    public HostCapacity(String hostId, CapacitySettings settings, HostMemory memory) {
        this.hostId = hostId;
        this.settings = settings;
        this.memory = memory;
        this.starts = new Semaphore(settings.concurrentStarts(), true);
    }

    /**
     * Waits for one of the {@link CapacitySettings#concurrentStarts()} slots for a sandbox's Init (in
     * arrival order), so that a burst starts sandboxes as fast as the host's CPUs carry them and queues
     * the rest instead of letting every Init starve; the caller closes the slot when the Init ended
     * (first {@code /next}, failure or timeout). A sandbox's Init deadline counts from when it got its
     * slot.
     *
     * @param maxWait how long to wait for a slot (an invocation: its function's timeout)
     * @throws LambdaException 429 {@code TooManyRequestsException}, Reason {@value #THROTTLE_REASON},
     *     when no slot came within the wait
     */
    public StartSlot startSlot(Duration maxWait) {
        try {
            if (!starts.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                lock.lock();
                try {
                    throttled++;
                } finally {
                    lock.unlock();
                }
                throw new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded. Host " + hostId
                        + " is starting " + settings.concurrentStarts() + " sandboxes at once and no start slot came within "
                        + maxWait.toMillis() + " ms.", Map.of("Reason", THROTTLE_REASON));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LambdaException(LambdaErrorType.ServiceException, "Interrupted while waiting to start a sandbox.", Map.of(), e);
        }
        return new StartSlot();
    }

    /** Sandboxes in Init now (holding a start slot). */
    public int starting() {
        return settings.concurrentStarts() - starts.availablePermits();
    }

    /** One sandbox's slot to run its Init; {@link #close} gives it back, once, from any thread. */
    public final class StartSlot implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);

        private StartSlot() {}

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                starts.release();
            }
        }
    }

    public String hostId() {
        return hostId;
    }

    public CapacitySettings settings() {
        return settings;
    }

    /**
     * Reserves room in the running budget for one invocation of a function with {@code memoryMb} and
     * {@code vcpus}, counting its whole MemorySize. If it turns out to need a new sandbox, the caller
     * then asks {@link Reservation#startSandbox}. Close the reservation when the invocation has ended.
     *
     * @throws LambdaException 429 {@code TooManyRequestsException} when no room came within the wait
     */
    public Reservation admit(int memoryMb, double vcpus) {
        return admit(memoryMb, OptionalLong.empty(), vcpus);
    }

    /**
     * As {@link #admit(int, double)}; with {@link CapacitySettings#reserveObservedUse()} the invocation
     * reserves {@link #reservationMb what its function was seen to use} rather than its whole
     * MemorySize, and is admitted only while the host's measured free memory is above the headroom,
     * so overcommit stops at real pressure with a wait, then a 429, never the host's OOM killer.
     *
     * @param observedPeakMb the most memory a sandbox of the function was seen to use, if known
     */
    public Reservation admit(int memoryMb, OptionalLong observedPeakMb, double vcpus) {
        boolean overcommit = settings.reserveObservedUse();
        long reserveMb = overcommit ? reservationMb(memoryMb, observedPeakMb) : memoryMb;
        lock.lock();
        try {
            awaitRoom(() -> {
                long overBudget = runningMb + reserveMb - settings.runningBudgetMb();
                long underHeadroom = overcommit ? settings.headroomMb() - memory.availableMb() : 0;
                return Math.max(overBudget > 0 ? reserveMb : 0, underHeadroom);
            }, null, () -> "running invocations reserve " + runningMb + " MB of " + settings.runningBudgetMb()
                    + " MB and this one needs " + reserveMb + " MB" + (overcommit ? ", with " + memory.availableMb()
                    + " MB available and " + settings.headroomMb() + " MB kept free" : ""));
            runningMb += reserveMb;
            runningVcpus += vcpus;
            admitted++;
            return new Reservation(memoryMb, reserveMb, vcpus);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a running invocation reserves under overcommit: its function's observed peak use plus half
     * again and {@value #RESERVE_MARGIN_MB} MB, or half its MemorySize while nothing was observed; at
     * least {@value #MIN_RESERVATION_MB} MB, at most the MemorySize (the sandbox's hard limit).
     */
    static long reservationMb(int memoryMb, OptionalLong observedPeakMb) {
        long estimate = observedPeakMb.isPresent()
                ? observedPeakMb.getAsLong() + observedPeakMb.getAsLong() / 2 + RESERVE_MARGIN_MB
                : memoryMb / 2;
        return Math.min(memoryMb, Math.max(MIN_RESERVATION_MB, estimate));
    }

    /**
     * Whether a sandbox of {@code memoryMb} could start now without evicting or waiting (for sandboxes
     * started ahead of invocations: provisioned concurrency, pre-warms).
     */
    public boolean roomForSandbox(int memoryMb) {
        lock.lock();
        try {
            return shortOfMemory(memoryMb) <= 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Caller holds the lock. Returns once {@code missing} reports nothing missing; meanwhile evicts
     * idle sandboxes once (when an evictor is given) and waits, bounded in time and queue length.
     */
    private void awaitRoom(java.util.function.LongSupplier missing, IdleEvictor evictor,
            java.util.function.Supplier<String> why) {
        long deadline = System.nanoTime() + settings.maxWait().toNanos();
        boolean evicted = evictor == null;
        boolean counted = false;
        try {
            while (true) {
                long missingMb = missing.getAsLong();
                if (missingMb <= 0) {
                    return;
                }
                if (!evicted) {
                    evicted = true;
                    lock.unlock();
                    long freed;
                    try {
                        freed = evictor.evict(missingMb);
                    } finally {
                        lock.lock();
                    }
                    if (freed > 0) {
                        evictions++;
                    }
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || (!counted && waiting >= settings.maxWaiting())) {
                    throttled++;
                    throw new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded. Host " + hostId
                            + " is at capacity (" + why.get() + "; waited up to " + settings.maxWait().toMillis() + " ms"
                            + (evictor != null ? ", after evicting idle sandboxes" : "") + ").",
                            Map.of("Reason", THROTTLE_REASON));
                }
                if (!counted) {
                    counted = true;
                    waiting++;
                    waited++;
                }
                try {
                    // evicted sandboxes free their memory when they exit: poll the measurement too
                    released.awaitNanos(Math.min(remaining, POLL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LambdaException(LambdaErrorType.ServiceException,
                            "Interrupted while waiting for host capacity.", Map.of(), e);
                }
            }
        } finally {
            if (counted) {
                waiting--;
            }
        }
    }

    /** Caller holds the lock: megabytes missing for a new sandbox of {@code memoryMb} (0 or less: it fits). */
    private long shortOfMemory(int memoryMb) {
        return memoryMb + settlingMb + settings.headroomMb() - memory.availableMb();
    }

    /** The host's state now. */
    public Usage usage() {
        lock.lock();
        try {
            return new Usage(runningMb, runningVcpus, settlingMb, waiting, admitted, waited, throttled, evictions);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A host's counters and gauges.
     *
     * @param runningMb MemorySize reserved by running invocations
     * @param runningVcpus vCPU shares of running invocations
     * @param settlingMb MemorySize of new sandboxes not yet settled
     * @param waiting invocations waiting for room now
     * @param admitted reservations granted so far
     * @param waited reservations that had to wait
     * @param throttled reservations refused
     * @param evictions times idle sandboxes were evicted to make room
     */
    public record Usage(long runningMb, double runningVcpus, long settlingMb, int waiting, long admitted, long waited,
            long throttled, long evictions) {}

    /** Room held for one invocation; {@link #close()} gives it back (idempotent). */
    public final class Reservation implements AutoCloseable {
        private final int memoryMb;
        private final long reservedMb;
        private final double vcpus;
        private boolean settling;
        private boolean closed;

        private Reservation(int memoryMb, long reservedMb, double vcpus) {
            this.memoryMb = memoryMb;
            this.reservedMb = reservedMb;
            this.vcpus = vcpus;
        }

        /**
         * The invocation needs a new sandbox: waits until the host's measured memory has room for it
         * (evicting idle sandboxes through {@code evictor} first), then counts it as settling until
         * {@link #settled()} or {@link #close()}.
         *
         * @throws LambdaException 429 {@code TooManyRequestsException} when no room came within the wait;
         *     the reservation stays open (close it)
         */
        public void startSandbox(IdleEvictor evictor) {
            lock.lock();
            try {
                awaitRoom(() -> shortOfMemory(memoryMb), evictor,
                        () -> "a new " + memoryMb + " MB sandbox does not fit: " + memory.availableMb() + " MB available, "
                                + settlingMb + " MB promised to sandboxes still starting, " + settings.headroomMb()
                                + " MB kept free");
                if (!settling) {
                    settling = true;
                    settlingMb += memoryMb;
                }
            } finally {
                lock.unlock();
            }
        }

        /** The new sandbox has initialised: its memory now shows in the host's measurement. Idempotent. */
        public void settled() {
            lock.lock();
            try {
                if (settling) {
                    settling = false;
                    settlingMb -= memoryMb;
                    released.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                runningMb -= reservedMb;
                runningVcpus -= vcpus;
                if (settling) {
                    settling = false;
                    settlingMb -= memoryMb;
                }
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Free budget in MB now (for placement). */
    long freeBudgetMb() {
        lock.lock();
        try {
            return settings.runningBudgetMb() - runningMb;
        } finally {
            lock.unlock();
        }
    }
}
