package dev.hearth.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bytes that request bodies held in memory may take together, across every request in flight:
 * a request reserves its body's size (in 64 KiB blocks, as it reads) before reading it and gives it
 * back when its answer is sent, so a burst of large uploads waits for memory, briefly, instead of
 * exhausting the heap. A reservation that cannot be had within the wait is refused (the caller answers
 * 429), never queued without bound.
 *
 * <p>Threading: thread-safe; a reservation is released once, by the request that took it.
 */
final class BodyBudget {
    static final int BLOCK_BYTES = 64 * 1024;
    private final Semaphore blocks;
    private final long totalBytes;
    private final Duration maxWait;

    /**
     * @param totalBytes the most bytes all bodies in flight may hold together (at least one block)
     * @param maxWait how long a request waits for room before it is refused
     */
    BodyBudget(long totalBytes, Duration maxWait) {
        long count = Math.max(1, Math.min(Integer.MAX_VALUE, totalBytes / BLOCK_BYTES));
        this.blocks = new Semaphore((int) count, true);
        this.totalBytes = count * BLOCK_BYTES;
        this.maxWait = maxWait;
    }

    /** A quarter of the heap, at most 1 GiB: room for many maximum-size bodies without risking the heap. */
    static BodyBudget forThisJvm() {
        return new BodyBudget(Math.min(Runtime.getRuntime().maxMemory() / 4, 1L << 30), Duration.ofSeconds(2));
    }

    long totalBytes() {
        return totalBytes;
    }

    /** Blocks of room free now; for tests. */
    int availableBlocks() {
        return blocks.availablePermits();
    }

    /** A reservation that grows as a body is read; empty at first. */
    Reservation reserve() {
        return new Reservation();
    }

    /** One request's share of the budget. Not thread-safe: used by the thread reading that request. */
    final class Reservation implements AutoCloseable {
        private int held;

        /**
         * Makes sure at least {@code bytes} are reserved in all, waiting up to the budget's wait.
         *
         * @return false when the room could not be had in time (nothing more is reserved then)
         */
        boolean ensure(long bytes) throws InterruptedException {
            long needed = (bytes + BLOCK_BYTES - 1) / BLOCK_BYTES - held;
            if (needed <= 0) {
                return true;
            }
            if (held + needed > totalBytes / BLOCK_BYTES) {
                return false; // more than the whole budget: never
            }
            if (!blocks.tryAcquire((int) needed, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            held += (int) needed;
            return true;
        }

        @Override
        public void close() {
            if (held > 0) {
                blocks.release(held);
                held = 0;
            }
        }
    }
}
