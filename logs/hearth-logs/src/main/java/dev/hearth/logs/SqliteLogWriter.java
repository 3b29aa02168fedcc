package dev.hearth.logs;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer: takes tasks from the buffer in FIFO order and writes runs of lines in
 * one transaction each; runs retention passes and completes flush barriers in queue order.
 *
 * <p>Threading: {@link #run()} is the body of the one writer thread, the only user of the write
 * connection. A failed batch is rolled back, logged with its cause, counted in {@code failedLines}
 * and reported to the next flush barrier; the writer keeps going.
 */
final class SqliteLogWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLogWriter.class);
    /** Drops are reported at most this often (the first one at once, the last at stop). */
    private static final long DROP_REPORT_INTERVAL_MILLIS = 10_000;
    /** Streams whose ids are remembered; beyond it the cache starts over (ids are looked up again). */
    private static final int MAX_CACHED_STREAMS = 10_000;
    /** How long the writer waits for more lines after the first before committing a batch. */
    private static final Duration LINGER = Duration.ofMillis(2);

    private final Connection connection;
    private final BlockingQueue<WriterTask> queue;
    private final LogStoreSettings settings;
    private final InstantSource clock;
    private final AtomicLong droppedLines;
    private final AtomicLong failedLines;
    private final Map<StreamKey, StreamIds> ids = new HashMap<>();
    private long reportedDrops;
    private long lastDropReport = Long.MIN_VALUE;
    private Exception failureSinceBarrier;

    private record StreamKey(String logGroup, String logStream) {}

    private record StreamIds(long groupId, long streamId) {}

    SqliteLogWriter(Connection connection, BlockingQueue<WriterTask> queue, LogStoreSettings settings, InstantSource clock,
            AtomicLong droppedLines, AtomicLong failedLines) {
        this.connection = connection;
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
        this.droppedLines = droppedLines;
        this.failedLines = failedLines;
    }

    /**
     * Collects what else arrives within {@link #LINGER} of the first task (up to a full batch), so that
     * one transaction carries many lines instead of one commit per line or two.
     */
    private void lingerForBatch(List<WriterTask> tasks) {
        long deadline = System.nanoTime() + LINGER.toNanos();
        queue.drainTo(tasks, settings.maxBatchSize() - tasks.size());
        while (tasks.size() < settings.maxBatchSize() && !(tasks.getLast() instanceof WriterTask.Stop)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                WriterTask next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return;
                }
                tasks.add(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(tasks, settings.maxBatchSize() - tasks.size());
        }
    }

    @Override
    public void run() {
        List<WriterTask> tasks = new ArrayList<>(settings.maxBatchSize());
        List<WriterTask.Line> lines = new ArrayList<>(settings.maxBatchSize());
        boolean stopping = false;
        while (!stopping) {
            try {
                tasks.add(queue.take());
            } catch (InterruptedException e) {
                LOG.error("log writer interrupted; lines still buffered are dropped");
                Thread.currentThread().interrupt();
                break;
            }
            lingerForBatch(tasks);
            for (WriterTask task : tasks) {
                if (stopping) {
                    countLeftover(task);
                    continue;
                }
                switch (task) {
                    case WriterTask.Line line -> lines.add(line);
                    case WriterTask.Barrier barrier -> {
                        writeSafely(lines);
                        completeBarrier(barrier);
                    }
                    case WriterTask.Stop stop -> {
                        writeSafely(lines);
                        stopping = true;
                    }
                    case WriterTask.Retention retention -> {
                        writeSafely(lines);
                        runRetention(retention);
                    }
                }
            }
            writeSafely(lines);
            tasks.clear();
            reportDrops(false);
        }
        List<WriterTask> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(this::countLeftover);
        reportDrops(true);
    }

    private void countLeftover(WriterTask task) {
        switch (task) {
            case WriterTask.Line line -> droppedLines.incrementAndGet();
            case WriterTask.Barrier barrier -> barrier.done().completeExceptionally(
                    new IllegalStateException("the log store is closed"));
            case WriterTask.Retention retention -> retention.done().completeExceptionally(
                    new IllegalStateException("the log store is closed"));
            case WriterTask.Stop stop -> {
                // a second close: nothing left to stop
            }
        }
    }

    private void completeBarrier(WriterTask.Barrier barrier) {
        if (failureSinceBarrier == null) {
            barrier.done().complete(null);
        } else {
            barrier.done().completeExceptionally(new LogStoreException(
                    "some log lines could not be written: " + failureSinceBarrier.getMessage(), failureSinceBarrier));
            failureSinceBarrier = null;
        }
    }

    private void reportDrops(boolean now) {
        long dropped = droppedLines.get();
        long millis = clock.millis();
        boolean due = now || lastDropReport == Long.MIN_VALUE || millis - lastDropReport >= DROP_REPORT_INTERVAL_MILLIS;
        if (dropped != reportedDrops && due) {
            lastDropReport = millis;
            LOG.warn("dropped {} log lines because the log buffer was full or the store closed ({} dropped in total)",
                    dropped - reportedDrops, dropped);
            reportedDrops = dropped;
        }
    }

    private void writeSafely(List<WriterTask.Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            write(lines);
        } catch (SQLException | RuntimeException e) {
            rollback();
            failedLines.addAndGet(lines.size());
            failureSinceBarrier = e;
            LOG.error("could not write {} log lines; they are lost", lines.size(), e);
        } finally {
            lines.clear();
        }
    }

    private void write(List<WriterTask.Line> lines) throws SQLException {
        Map<Long, long[]> streamTimes = new HashMap<>();
        Map<Long, Long> groupBytes = new HashMap<>();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO log_event (group_id, stream_id, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)")) {
            for (WriterTask.Line line : lines) {
                StreamIds target = resolve(line);
                insert.setLong(1, target.groupId());
                insert.setLong(2, target.streamId());
                insert.setLong(3, line.timestamp());
                insert.setLong(4, line.ingestionTime());
                insert.setString(5, line.message());
                insert.addBatch();
                streamTimes.merge(target.streamId(), new long[] {line.timestamp(), line.timestamp(), line.ingestionTime()},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.max(a[2], b[2])});
                groupBytes.merge(target.groupId(), (long) line.message().getBytes(StandardCharsets.UTF_8).length, Long::sum);
            }
            insert.executeBatch();
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE log_stream SET first_event_time = min(first_event_time, ?),"
                + " last_event_time = max(last_event_time, ?), last_ingestion_time = max(last_ingestion_time, ?) WHERE id = ?")) {
            for (Map.Entry<Long, long[]> entry : streamTimes.entrySet()) {
                update.setLong(1, entry.getValue()[0]);
                update.setLong(2, entry.getValue()[1]);
                update.setLong(3, entry.getValue()[2]);
                update.setLong(4, entry.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
        addStoredBytes(groupBytes);
        connection.commit();
    }

    private void addStoredBytes(Map<Long, Long> bytesByGroup) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE log_group SET stored_bytes = stored_bytes + ? WHERE id = ?")) {
            for (Map.Entry<Long, Long> entry : bytesByGroup.entrySet()) {
                update.setLong(1, entry.getValue());
                update.setLong(2, entry.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private StreamIds resolve(WriterTask.Line line) throws SQLException {
        StreamKey key = new StreamKey(line.logGroup(), line.logStream());
        StreamIds known = ids.get(key);
        if (known != null) {
            return known;
        }
        long groupId = groupId(line);
        long streamId;
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM log_stream WHERE group_id = ? AND name = ?")) {
            select.setLong(1, groupId);
            select.setString(2, line.logStream());
            try (ResultSet rows = select.executeQuery()) {
                streamId = rows.next() ? rows.getLong(1) : -1;
            }
        }
        if (streamId < 0) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO log_stream (group_id, name, creation_time,"
                    + " first_event_time, last_event_time, last_ingestion_time) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
                insert.setLong(1, groupId);
                insert.setString(2, line.logStream());
                insert.setLong(3, line.ingestionTime());
                insert.setLong(4, line.timestamp());
                insert.setLong(5, line.timestamp());
                insert.setLong(6, line.ingestionTime());
                streamId = returnedId(insert);
            }
        }
        StreamIds resolved = new StreamIds(groupId, streamId);
        if (ids.size() >= MAX_CACHED_STREAMS) {
            ids.clear();
        }
        ids.put(key, resolved);
        return resolved;
    }

    private long groupId(WriterTask.Line line) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM log_group WHERE name = ?")) {
            select.setString(1, line.logGroup());
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    return rows.getLong(1);
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO log_group (name, creation_time, stored_bytes) VALUES (?, ?, 0) RETURNING id")) {
            insert.setString(1, line.logGroup());
            insert.setLong(2, line.ingestionTime());
            return returnedId(insert);
        }
    }

    private static long returnedId(PreparedStatement insert) throws SQLException {
        try (ResultSet rows = insert.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("INSERT ... RETURNING id returned no row");
            }
            return rows.getLong(1);
        }
    }

    private void rollback() {
        ids.clear();
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.error("rollback of the log store's write transaction failed", e);
        }
    }

    private void runRetention(WriterTask.Retention retention) {
        try {
            retention.done().complete(enforceRetention());
        } catch (SQLException | RuntimeException e) {
            rollback();
            retention.done().completeExceptionally(new LogStoreException("log retention failed: " + e.getMessage(), e));
        }
    }

    private RetentionOutcome enforceRetention() throws SQLException {
        long cutoff = clock.millis() - settings.retentionAge().toMillis();
        long expired = 0;
        List<Long> groups = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM log_group")) {
            while (rows.next()) {
                groups.add(rows.getLong(1));
            }
        }
        Map<Long, Long> freed = new HashMap<>();
        try (PreparedStatement bytes = connection.prepareStatement("SELECT coalesce(sum(length(CAST(message AS BLOB))), 0)"
                        + " FROM log_event WHERE group_id = ? AND timestamp < ?");
                PreparedStatement delete = connection.prepareStatement("DELETE FROM log_event WHERE group_id = ? AND timestamp < ?")) {
            for (long group : groups) {
                bytes.setLong(1, group);
                bytes.setLong(2, cutoff);
                try (ResultSet rows = bytes.executeQuery()) {
                    rows.next();
                    freed.merge(group, -rows.getLong(1), Long::sum);
                }
                delete.setLong(1, group);
                delete.setLong(2, cutoff);
                expired += delete.executeUpdate();
            }
        }
        long evicted = evictBeyondCap(freed);
        addStoredBytes(freed);
        long streamsRemoved = 0;
        if (expired + evicted > 0) {
            try (Statement statement = connection.createStatement()) {
                streamsRemoved = statement.executeUpdate(
                        "DELETE FROM log_stream WHERE NOT EXISTS (SELECT 1 FROM log_event e WHERE e.stream_id = log_stream.id)");
                statement.executeUpdate("UPDATE log_stream SET first_event_time ="
                        + " (SELECT min(e.timestamp) FROM log_event e WHERE e.stream_id = log_stream.id)");
            }
            ids.clear();
        }
        connection.commit();
        return new RetentionOutcome(expired, evicted, streamsRemoved);
    }

    /** Deletes the oldest ingested events beyond the cap; adds the negative bytes freed per group. */
    private long evictBeyondCap(Map<Long, Long> freed) throws SQLException {
        long count;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM log_event")) {
            rows.next();
            count = rows.getLong(1);
        }
        long excess = count - settings.maxEvents();
        if (excess <= 0) {
            return 0;
        }
        long lastId;
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM log_event ORDER BY id LIMIT 1 OFFSET ?")) {
            select.setLong(1, excess - 1);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                lastId = rows.getLong(1);
            }
        }
        try (PreparedStatement bytes = connection.prepareStatement("SELECT group_id, sum(length(CAST(message AS BLOB)))"
                + " FROM log_event WHERE id <= ? GROUP BY group_id")) {
            bytes.setLong(1, lastId);
            try (ResultSet rows = bytes.executeQuery()) {
                while (rows.next()) {
                    freed.merge(rows.getLong(1), -rows.getLong(2), Long::sum);
                }
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM log_event WHERE id <= ?")) {
            delete.setLong(1, lastId);
            return delete.executeUpdate();
        }
    }
}
