package dev.hearth.logs;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SqliteLogStore} buffers, writes and retains events.
 *
 * @param retentionAge events whose timestamp is older than this are deleted
 * @param maxEvents at most this many events are kept; beyond it the oldest ingested are deleted
 * @param retentionInterval how often retention is enforced on the injected scheduler
 * @param bufferCapacity lines held in memory waiting for the writer; a full buffer makes
 *     {@link SqliteLogStore#append} wait up to {@code appendTimeout}, then drop the line (counted)
 * @param maxBatchSize most lines written in one transaction
 * @param appendTimeout longest time {@code append} waits for room in a full buffer
 */
public record LogStoreSettings(
        Duration retentionAge,
        long maxEvents,
        Duration retentionInterval,
        int bufferCapacity,
        int maxBatchSize,
        Duration appendTimeout) {

    public static final LogStoreSettings DEFAULTS = new LogStoreSettings(
            Duration.ofDays(7), 1_000_000, Duration.ofMinutes(1), 65_536, 2_048, Duration.ofMillis(50));

    public LogStoreSettings {
        Objects.requireNonNull(retentionAge, "retentionAge");
        Objects.requireNonNull(retentionInterval, "retentionInterval");
        Objects.requireNonNull(appendTimeout, "appendTimeout");
        if (retentionAge.isNegative() || retentionAge.isZero()) {
            throw new IllegalArgumentException("retentionAge must be positive: " + retentionAge);
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        if (retentionInterval.isNegative() || retentionInterval.isZero()) {
            throw new IllegalArgumentException("retentionInterval must be positive: " + retentionInterval);
        }
        if (bufferCapacity < 1 || maxBatchSize < 1) {
            throw new IllegalArgumentException("bufferCapacity and maxBatchSize must be at least 1");
        }
        if (appendTimeout.isNegative()) {
            throw new IllegalArgumentException("appendTimeout must not be negative: " + appendTimeout);
        }
    }

    public LogStoreSettings withRetentionAge(Duration age) {
        return new LogStoreSettings(age, maxEvents, retentionInterval, bufferCapacity, maxBatchSize, appendTimeout);
    }

    public LogStoreSettings withMaxEvents(long max) {
        return new LogStoreSettings(retentionAge, max, retentionInterval, bufferCapacity, maxBatchSize, appendTimeout);
    }

    public LogStoreSettings withBuffer(int capacity, int batchSize, Duration timeout) {
        return new LogStoreSettings(retentionAge, maxEvents, retentionInterval, capacity, batchSize, timeout);
    }
}
