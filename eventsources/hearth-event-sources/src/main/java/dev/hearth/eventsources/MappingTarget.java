package dev.hearth.eventsources;

import dev.hearth.core.FunctionRef;
import dev.hearth.worker.InvocationResult;

/**
 * How a poller invokes a mapping's function: synchronously, on the path every invocation takes (the
 * {@code InvocationService}: resolution, concurrency permits, the worker, logs).
 *
 * <p>Threading: called from many poller threads at once; blocks until the invocation ended.
 */
@FunctionalInterface
public interface MappingTarget {
    /**
     * Runs the function once with {@code payload}; a function that failed is a result with {@link
     * InvocationResult#functionError()} set, not an exception.
     *
     * @throws dev.hearth.core.LambdaException {@code TooManyRequestsException} when throttled, another
     *     type when the function cannot run (e.g. it was deleted)
     */
    InvocationResult invoke(FunctionRef function, String requestId, byte[] payload);
}
