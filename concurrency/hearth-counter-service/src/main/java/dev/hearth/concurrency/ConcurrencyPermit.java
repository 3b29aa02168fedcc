package dev.hearth.concurrency;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right of one invocation to run, counted by the {@link CounterService} from
 * {@link CounterService#acquire} until {@link #close}. The invocation owns it and must close it
 * exactly when it stops running, normally or not: use try-with-resources. Closing again does nothing;
 * any thread may close it.
 */
public final class ConcurrencyPermit implements AutoCloseable {
    private final ConcurrencyPool pool;
    private final ConcurrencyPool account;
    private final AtomicBoolean released = new AtomicBoolean();

    ConcurrencyPermit(ConcurrencyPool pool, ConcurrencyPool account) {
        this.pool = pool;
        this.account = account;
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            pool.release();
            account.release();
        }
    }
}
