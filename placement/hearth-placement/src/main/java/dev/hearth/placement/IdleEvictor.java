package dev.hearth.placement;

/**
 * Frees memory by shutting down idle warm sandboxes, least recently used first. Provided by the
 * worker, called by {@link HostCapacity} when a new sandbox does not fit.
 *
 * <p>Threading: called from invocation threads, never while {@link HostCapacity} holds its lock.
 */
@FunctionalInterface
public interface IdleEvictor {

    /**
     * Shuts down idle sandboxes whose MemorySize adds up to at least {@code megabytes}, or all idle
     * ones if they add up to less. Returns the MemorySize sum of those shut down (their memory is
     * free once they have exited, shortly after). Never shuts down a busy or provisioned sandbox.
     */
    long evict(long megabytes);

    /** An evictor with nothing to evict. */
    IdleEvictor NONE = megabytes -> 0;
}
