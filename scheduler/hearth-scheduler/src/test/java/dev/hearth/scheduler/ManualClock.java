package dev.hearth.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** An {@link InstantSource} that only moves when a test moves it. Thread-safe. */
final class ManualClock implements InstantSource {
    private volatile Instant now;

    ManualClock(Instant start) {
        this.now = start;
    }

    synchronized void advance(Duration amount) {
        now = now.plus(amount);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
