package dev.hearth.queue.spi;

import java.time.Clock;

/** Runs the contract against the in-memory queue, which keeps the contract itself honest. */
final class TestInMemoryEventQueue extends EventQueueContract {
    @Override
    protected EventQueue newQueue(Clock clock) {
        return new InMemoryEventQueue(clock);
    }
}
