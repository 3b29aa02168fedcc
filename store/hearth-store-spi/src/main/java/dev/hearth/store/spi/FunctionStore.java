package dev.hearth.store.spi;

/**
 * Durable metadata of functions, versions, aliases and tags.
 *
 * <p>Every read and write happens inside {@link #transact}: the work sees a consistent snapshot and
 * its writes commit together or not at all (serializable isolation). Work may run more than once if
 * the implementation retries a conflict, so it must not have side effects outside the transaction.
 *
 * <p>Threading: thread-safe; transactions from many threads are serialized or isolated by the
 * implementation. Failure: a failing work function's exception propagates unchanged after rollback;
 * a storage failure is thrown as {@link StoreException}.
 */
public interface FunctionStore extends AutoCloseable {

    /** Runs {@code work} in one transaction and commits it when the work returns normally. */
    <T> T transact(TransactionWork<T> work);

    @Override
    void close();

    /** A unit of work against the store. */
    @FunctionalInterface
    interface TransactionWork<T> {
        T run(StoreTransaction tx);
    }
}
