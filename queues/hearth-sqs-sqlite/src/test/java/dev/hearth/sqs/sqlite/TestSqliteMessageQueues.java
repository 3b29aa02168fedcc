package dev.hearth.sqs.sqlite;

import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.MessageQueuesContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** Runs the queue contract against SQLite, each test on a fresh database file. */
final class TestSqliteMessageQueues extends MessageQueuesContract {
    @TempDir
    Path directory;

    @Override
    protected MessageQueues newQueues(Clock clock) {
        return SqliteMessageQueues.open(directory.resolve("sqs.db"), clock);
    }
}
