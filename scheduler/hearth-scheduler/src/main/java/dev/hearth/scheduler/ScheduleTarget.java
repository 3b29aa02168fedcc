package dev.hearth.scheduler;

/**
 * Where a schedule's fires go: the server invokes the function asynchronously (an {@code Event}
 * invocation accepted durably by the invocation core), so a return means the event is stored.
 *
 * <p>Threading: called from the engine's one firing thread.
 */
@FunctionalInterface
public interface ScheduleTarget {
    /**
     * Invokes {@code functionArn} asynchronously with {@code payload}.
     *
     * @throws dev.hearth.core.LambdaException when the invocation is refused; a throttle or a
     *     service error is retried per the schedule's RetryPolicy, any other refusal is final
     */
    void invokeAsync(String functionArn, byte[] payload);
}
