package dev.hearth.async;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the asynchronous path.
 *
 * @param pollers how many poller threads lease events
 * @param leaseBatchSize how many events one poller leases at once; they run concurrently, so at most
 *     {@code pollers × leaseBatchSize} events run at a time
 * @param leaseDuration how long a lease lasts before the event is visible again; running events have
 *     their lease extended every third of it, so this bounds how long the events of a crashed server
 *     stay invisible after a restart
 * @param idlePollInterval the longest a poller waits before looking again when the queue had nothing
 *     visible (new events wake pollers at once; this bounds the lag of delayed retries)
 * @param functionErrorRetryDelays the delay before the first, second, … retry after a function error
 *     (Lambda: about 1 minute, then 2 minutes); the last one repeats if more retries are allowed
 * @param systemRetryInitialDelay the first delay after a throttle or system error, doubled per retry
 * @param systemRetryMaxDelay the longest delay after a throttle or system error
 */
public record AsyncConfig(
        int pollers,
        int leaseBatchSize,
        Duration leaseDuration,
        Duration idlePollInterval,
        List<Duration> functionErrorRetryDelays,
        Duration systemRetryInitialDelay,
        Duration systemRetryMaxDelay) {

    public AsyncConfig {
        if (pollers <= 0) {
            throw new IllegalArgumentException("pollers must be positive, was " + pollers);
        }
        if (leaseBatchSize <= 0) {
            throw new IllegalArgumentException("leaseBatchSize must be positive, was " + leaseBatchSize);
        }
        requirePositive(leaseDuration, "leaseDuration");
        requirePositive(idlePollInterval, "idlePollInterval");
        functionErrorRetryDelays = List.copyOf(functionErrorRetryDelays);
        if (functionErrorRetryDelays.isEmpty()) {
            throw new IllegalArgumentException("functionErrorRetryDelays must not be empty");
        }
        functionErrorRetryDelays.forEach(d -> requireNotNegative(d, "functionErrorRetryDelays"));
        requireNotNegative(systemRetryInitialDelay, "systemRetryInitialDelay");
        requireNotNegative(systemRetryMaxDelay, "systemRetryMaxDelay");
    }

    /** Lambda's timing: retries after 1 and 2 minutes, throttles backed off from 1 second up to 5 minutes. */
    public static AsyncConfig defaults() {
        return new AsyncConfig(4, 4, Duration.ofSeconds(10), Duration.ofMillis(100),
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)), Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /** The same settings with other retry delays (tests use milliseconds). */
    public AsyncConfig withRetryDelays(List<Duration> functionErrorDelays, Duration systemInitial, Duration systemMax) {
        return new AsyncConfig(pollers, leaseBatchSize, leaseDuration, idlePollInterval, functionErrorDelays,
                systemInitial, systemMax);
    }

    public AsyncConfig withPollers(int newPollers, int newLeaseBatchSize) {
        return new AsyncConfig(newPollers, newLeaseBatchSize, leaseDuration, idlePollInterval,
                functionErrorRetryDelays, systemRetryInitialDelay, systemRetryMaxDelay);
    }

    public AsyncConfig withLeaseDuration(Duration newLeaseDuration) {
        return new AsyncConfig(pollers, leaseBatchSize, newLeaseDuration, idlePollInterval,
                functionErrorRetryDelays, systemRetryInitialDelay, systemRetryMaxDelay);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
    }
}
