package dev.hearth.queue.sqlite;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link SqliteEventQueue}.
 *
 * @param databaseFile the SQLite file, created with its parent directories when missing; its
 *     {@code -wal} and {@code -shm} companions sit next to it
 * @param synchronous how durable a commit is, see {@link SqliteSynchronous}
 * @param maxBatchSize the most changes one transaction of the writer groups together
 */
public record SqliteQueueConfig(Path databaseFile, SqliteSynchronous synchronous, int maxBatchSize) {
    /** The batch size {@link #of(Path)} uses. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 1_000;

    public SqliteQueueConfig {
        Objects.requireNonNull(databaseFile, "databaseFile");
        Objects.requireNonNull(synchronous, "synchronous");
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("maxBatchSize must be positive, was " + maxBatchSize);
        }
    }

    /** The defaults: {@link SqliteSynchronous#FULL} and {@link #DEFAULT_MAX_BATCH_SIZE}. */
    public static SqliteQueueConfig of(Path databaseFile) {
        return new SqliteQueueConfig(databaseFile, SqliteSynchronous.FULL, DEFAULT_MAX_BATCH_SIZE);
    }

    public SqliteQueueConfig withSynchronous(SqliteSynchronous value) {
        return new SqliteQueueConfig(databaseFile, value, maxBatchSize);
    }
}
