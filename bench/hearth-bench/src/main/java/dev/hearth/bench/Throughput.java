package dev.hearth.bench;

import java.time.Duration;

/**
 * Requests completed by {@code connections} concurrent clients during one measured phase.
 *
 * @param requests successful requests completed in the phase
 * @param elapsed from the start of the phase until the last client finished its last request
 * @param connections concurrent clients, each with its own keep-alive connection
 */
public record Throughput(long requests, Duration elapsed, int connections) {
    public Throughput {
        if (elapsed.isNegative() || elapsed.isZero()) {
            throw new IllegalArgumentException("elapsed must be positive: " + elapsed);
        }
    }

    public double perSecond() {
        return requests / (elapsed.toNanos() / 1e9);
    }
}
