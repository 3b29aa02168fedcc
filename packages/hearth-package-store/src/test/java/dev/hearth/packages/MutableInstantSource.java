package dev.hearth.packages;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock for tests that moves only when told to. Thread-safe. */
final class MutableInstantSource implements InstantSource {
    private volatile Instant now;

    MutableInstantSource(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }
}
