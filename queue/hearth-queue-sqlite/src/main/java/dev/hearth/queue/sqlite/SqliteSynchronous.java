package dev.hearth.queue.sqlite;

/**
 * How hard SQLite pushes a commit to disk before the caller is told it is durable (SQLite's
 * {@code PRAGMA synchronous}, in WAL mode).
 */
public enum SqliteSynchronous {
    /**
     * Every commit syncs the write-ahead log to the disk. An acknowledged event survives a crash of the
     * process and of the machine (power loss, kernel panic), as far as the disk honours syncs. The
     * default: Hearth promises that an accepted event is never lost, and group commit shares one sync
     * among all enqueues of a batch.
     */
    FULL,
    /**
     * Commits are written to the write-ahead log without syncing; the log is synced at checkpoints.
     * An acknowledged event survives a crash of the process (including {@code kill -9}), since the
     * operating system still holds the write, but the last commits can be lost when the machine loses
     * power. The database stays consistent either way. For hosts whose disks make syncs slow.
     */
    NORMAL
}
