package dev.hearth.concurrency;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of running invocations with a limit: one per reserved function, one for the unreserved
 * functions, one for the account. Lock-free; the limit may change at any time, and in-flight
 * invocations above a lowered limit finish while new ones are refused until the count is below it.
 */
final class ConcurrencyPool {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int limit;

    ConcurrencyPool(int limit) {
        this.limit = limit;
    }

    /** Counts one more invocation unless that would exceed the limit. */
    boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release() {
        int after = inFlight.decrementAndGet();
        if (after < 0) {
            throw new IllegalStateException("a concurrency pool was released more often than acquired");
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    int limit() {
        return limit;
    }

    void setLimit(int limit) {
        this.limit = limit;
    }
}
