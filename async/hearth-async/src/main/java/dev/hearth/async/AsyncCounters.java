package dev.hearth.async;

import dev.hearth.queue.spi.QueueCounts;
import java.util.concurrent.atomic.AtomicLong;

/** The pollers' counters behind {@link AsyncSnapshot}. Thread-safe. */
final class AsyncCounters {
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong functionErrorRetries = new AtomicLong();
    final AtomicLong systemRetries = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong sentToDestinations = new AtomicLong();

    AsyncSnapshot snapshot(QueueCounts queue) {
        return new AsyncSnapshot(queue, inFlight.get(), succeeded.get(), functionErrorRetries.get(), systemRetries.get(),
                deadLettered.get(), sentToDestinations.get());
    }
}
