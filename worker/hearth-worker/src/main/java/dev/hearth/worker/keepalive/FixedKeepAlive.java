package dev.hearth.worker.keepalive;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The classic keep-alive: every idle sandbox stays warm for the same configured time, and nothing is
 * pre-warmed (Lambda's, OpenWhisk's and most platforms' behaviour).
 *
 * <p>Threading: thread-safe and lock-free.
 */
public final class FixedKeepAlive implements KeepAlivePolicy {
    private final Duration idleTimeout;
    private final LongAdder decisions = new LongAdder();

    /** @param idleTimeout how long an idle sandbox stays warm; positive */
    public FixedKeepAlive(Duration idleTimeout) {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public void onArrival(FunctionKey function, Instant at) {}

    @Override
    public KeepAliveDecision onIdle(FunctionKey function, Instant idleSince) {
        decisions.increment();
        return KeepAliveDecision.keepFor(idleTimeout);
    }

    @Override
    public void forget(FunctionKey function) {}

    @Override
    public KeepAliveStats stats() {
        return new KeepAliveStats(name(), 0, decisions.sum(), 0, 0);
    }
}
