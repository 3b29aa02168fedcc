package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.EventQueueContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** Runs the queue contract against SQLite, each test on a fresh database file. */
final class TestSqliteEventQueue extends EventQueueContract {
    @TempDir
    Path directory;

    @Override
    protected EventQueue newQueue(Clock clock) {
        return SqliteEventQueue.open(SqliteQueueConfig.of(directory.resolve("queue.db")), clock);
    }
}
