package dev.hearth.invocation;

import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.worker.InvocationResult;

/**
 * What an asynchronous poller needs of the {@link InvocationService}: run one event on the same path
 * a synchronous invocation takes (same concurrency permits, same worker, same logs).
 *
 * <p>Threading: called from many poller threads at once; implementations are thread-safe and block
 * until the invocation ended.
 */
@FunctionalInterface
public interface EventInvoker {
    /**
     * Runs the event and returns its result; a function that failed is a result with {@link
     * InvocationResult#functionError()} set, not an exception.
     *
     * @param function the version to run, as resolved just before
     * @param eventId the event's id, passed to the function as its request id so handlers can
     *     deduplicate redeliveries
     * @param payload the event's bytes
     * @throws dev.hearth.core.LambdaException {@code TooManyRequestsException} when throttled, any other
     *     type when the invocation could not run (both are retried until the event is too old)
     */
    InvocationResult invokeEvent(ResolvedFunction function, String eventId, byte[] payload);
}
