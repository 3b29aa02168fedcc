package dev.hearth.queue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.queue.spi.Lease;
import dev.hearth.queue.spi.ManualClock;
import dev.hearth.queue.spi.NewEvent;
import dev.hearth.queue.spi.QueueCounts;
import dev.hearth.queue.spi.RetryCause;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite queue keeps in its file: state across reopening, WAL mode, the migration history. */
final class TestSqliteEventQueueFile {
    private static final Instant START = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path directory;

    private static NewEvent event(String id) {
        return new NewEvent(id, "orders", "live", id.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void stateSurvivesClosingAndReopening() {
        Path file = directory.resolve("nested/dir/queue.db");
        ManualClock clock = new ManualClock(START);
        Lease held;
        try (SqliteEventQueue queue = SqliteEventQueue.open(SqliteQueueConfig.of(file), clock)) {
            queue.enqueue(event("ready"));
            queue.enqueue(event("held"));
            queue.enqueue(event("retried"));
            queue.enqueue(event("dead"));
            List<Lease> leases = queue.lease(4, Duration.ofMinutes(1));
            assertThat(queue.complete(leases.get(0).token())).isTrue();
            queue.enqueue(event("ready-2"));
            held = leases.get(1);
            assertThat(queue.release(leases.get(2).token(), Duration.ofMinutes(5), RetryCause.FUNCTION_ERROR, "boom"))
                    .isTrue();
            assertThat(queue.moveToDeadLetters(leases.get(3).token(), "RetriesExhausted")).isTrue();
        }

        try (SqliteEventQueue queue = SqliteEventQueue.open(SqliteQueueConfig.of(file), clock)) {
            assertThat(queue.counts()).isEqualTo(new QueueCounts(1, 1, 1, 1));
            assertThat(queue.find("retried").orElseThrow().lastError()).contains("boom");
            assertThat(queue.findDeadLetter("dead").orElseThrow().reason()).isEqualTo("RetriesExhausted");
            assertThat(queue.complete(held.token())).as("a lease outlives a restart").isTrue();
            assertThat(queue.lease(10, Duration.ofMinutes(1))).extracting(lease -> lease.event().id())
                    .containsExactly("ready-2");
        }
    }

    @Test
    void databaseIsInWalModeWithItsMigrationRecorded() throws SQLException {
        Path file = directory.resolve("queue.db");
        SqliteEventQueue.open(SqliteQueueConfig.of(file), new ManualClock(START)).close();
        SqliteEventQueue.open(SqliteQueueConfig.of(file).withSynchronous(SqliteSynchronous.NORMAL),
                new ManualClock(START)).close();

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT version, success FROM " + SqliteDatabase.HISTORY_TABLE + " ORDER BY installed_rank")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("version")).isEqualTo("1");
                assertThat(rows.getBoolean("success")).isTrue();
                assertThat(rows.next()).as("one migration, applied once").isFalse();
            }
            try (ResultSet rows = statement.executeQuery(
                    "EXPLAIN QUERY PLAN SELECT * FROM queued_event WHERE visible_at <= 0 ORDER BY visible_at, seq LIMIT 10")) {
                StringBuilder plan = new StringBuilder();
                while (rows.next()) {
                    plan.append(rows.getString("detail")).append('\n');
                }
                assertThat(plan.toString()).as("leasing searches the index in order, without scanning or sorting")
                        .contains("SEARCH queued_event USING INDEX queued_event_by_visibility")
                        .doesNotContain("TEMP B-TREE");
            }
        }
    }

    @Test
    void leasingFindsTheEarliestEventsAmongManyDelayedOnes() {
        ManualClock clock = new ManualClock(START);
        SqliteQueueConfig config = SqliteQueueConfig.of(directory.resolve("q.db")).withSynchronous(SqliteSynchronous.NORMAL);
        try (SqliteEventQueue queue = SqliteEventQueue.open(config, clock)) {
            for (int i = 0; i < 2_000; i++) {
                queue.enqueue(event("e-" + i));
            }
            for (Lease lease : queue.lease(2_000, Duration.ofMinutes(1))) {
                queue.release(lease.token(), Duration.ofSeconds(10 + Integer.parseInt(lease.event().id().substring(2)) % 50),
                        RetryCause.SYSTEM, "throttled");
            }
            assertThat(queue.lease(10, Duration.ofMinutes(1))).isEmpty();
            clock.advance(Duration.ofSeconds(10));
            List<Lease> due = queue.lease(100, Duration.ofMinutes(1));
            assertThat(due).hasSize(40).allSatisfy(lease -> assertThat(lease.event().systemRetries()).isEqualTo(1));
            assertThat(due.getFirst().event().id()).isEqualTo("e-0");
            assertThat(queue.counts()).isEqualTo(new QueueCounts(0, 40, 1_960, 0));
            assertThat(queue.listDeadLetters(Optional.empty(), 1)).isEmpty();
        }
    }
}
