package dev.hearth.async;

import dev.hearth.queue.spi.QueueCounts;
import java.util.Objects;

/**
 * The asynchronous path at one moment, for metrics and the console. Counters count since the server
 * started.
 *
 * @param queue the queue's events by state (depth = ready + leased + delayed; dead letters apart)
 * @param inFlight events being run by pollers right now
 * @param succeeded events whose function returned a result
 * @param functionErrorRetries events released for a retry after a function error
 * @param systemRetries events released for a retry after a throttle or system error
 * @param deadLettered events moved to the dead letters
 * @param sentToDestinations invocation records enqueued for a destination function
 */
public record AsyncStatus(
        QueueCounts queue,
        long inFlight,
        long succeeded,
        long functionErrorRetries,
        long systemRetries,
        long deadLettered,
        long sentToDestinations) {

    public AsyncStatus {
        Objects.requireNonNull(queue, "queue");
    }
}
