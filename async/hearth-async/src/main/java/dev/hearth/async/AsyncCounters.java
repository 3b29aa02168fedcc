package dev.hearth.async;

import dev.hearth.queue.spi.QueueCounts;
import java.util.concurrent.atomic.AtomicLong;

/** The pollers' counters behind {@link AsyncStatus}. Thread-safe. */
final class AsyncCounters {
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong functionErrorRetries = new AtomicLong();
    final AtomicLong systemRetries = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong sentToDestinations = new AtomicLong();

    AsyncStatus status(QueueCounts queue) {
        return new AsyncStatus(queue, inFlight.get(), succeeded.get(), functionErrorRetries.get(), systemRetries.get(),
                deadLettered.get(), sentToDestinations.get());
    }
}
