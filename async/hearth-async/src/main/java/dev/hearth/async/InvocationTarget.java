package dev.hearth.async;

import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.worker.InvocationResult;

/**
 * Runs one event on the synchronous invoke path, the same code a {@code RequestResponse} Invoke
 * uses (so concurrency limits apply to events too).
 *
 * <p>Threading: called from many poller threads at once; implementations are thread-safe and block
 * until the invocation ended.
 */
@FunctionalInterface
public interface InvocationTarget {
    /**
     * Runs the event and returns its result; a function that failed is a result with {@link
     * InvocationResult#functionError()} set, not an exception.
     *
     * @param function the version to run, as resolved just before
     * @param requestId the event's id, passed to the function as its request id so handlers can
     *     deduplicate redeliveries
     * @param payload the event's bytes
     * @throws dev.hearth.core.LambdaException {@code TooManyRequestsException} when throttled, any other
     *     type when the invocation could not run (both are retried until the event is too old)
     */
    InvocationResult invoke(ResolvedFunction function, String requestId, byte[] payload);
}
