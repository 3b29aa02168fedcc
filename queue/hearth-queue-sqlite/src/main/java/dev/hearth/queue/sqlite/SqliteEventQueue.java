package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.DeadLetter;
import dev.hearth.queue.spi.DuplicateEventException;
import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.EventQueueException;
import dev.hearth.queue.spi.Lease;
import dev.hearth.queue.spi.LeaseToken;
import dev.hearth.queue.spi.NewEvent;
import dev.hearth.queue.spi.QueueCounts;
import dev.hearth.queue.spi.QueuedEvent;
import dev.hearth.queue.spi.RetryCause;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link EventQueue} of the embedded deployment: one SQLite database file in WAL mode.
 *
 * <p>Every change (enqueue, lease, complete, release, extend, dead-letter, redrive, delete) runs on
 * one writer thread that groups the changes of concurrent callers into one transaction; a call returns
 * once its transaction committed with the configured {@link SqliteSynchronous} durability. Leasing is
 * serialised by that writer, so two pollers never hold the same event. Reads (find, list, counts) use
 * a separate connection, never wait for the writer, and see the last committed state.
 *
 * <p>One instance per database file: the writer keeps SQLite's write lock, so a second instance (or
 * process) on the same file fails to write after the busy timeout. Instants are stored in
 * microseconds; finer parts of the clock's instants are dropped.
 *
 * <p>Thread-safe; see {@link EventQueue} for the contract. {@link #close()} finishes the changes
 * already handed in, then closes the database.
 */
public final class SqliteEventQueue implements EventQueue {
    private static final String EVENT_COLUMNS =
            "id, function_name, qualifier, payload, enqueued_at, attempts, system_retries, visible_at, last_error";

    private static final String INSERT_EVENT = """
            INSERT INTO queued_event (id, function_name, qualifier, payload, enqueued_at, attempts,
                                      system_retries, visible_at)
            SELECT ?, ?, ?, ?, ?, 0, 0, ? WHERE NOT EXISTS (SELECT 1 FROM dead_letter WHERE id = ?)
            ON CONFLICT (id) DO NOTHING""";
    private static final String SELECT_VISIBLE = "SELECT seq, " + EVENT_COLUMNS
            + " FROM queued_event WHERE visible_at <= ? ORDER BY visible_at, seq LIMIT ?";
    private static final String MARK_LEASED = "UPDATE queued_event SET visible_at = ?, lease_token = ? WHERE seq = ?";
    private static final String EXTEND_LEASE =
            "UPDATE queued_event SET visible_at = ? WHERE id = ? AND lease_token = ?";
    private static final String DELETE_LEASED = "DELETE FROM queued_event WHERE id = ? AND lease_token = ?";
    private static final String RELEASE = """
            UPDATE queued_event
               SET visible_at = ?, lease_token = NULL, last_error = ?,
                   attempts = attempts + ?, system_retries = system_retries + ?
             WHERE id = ? AND lease_token = ?""";
    private static final String COPY_TO_DEAD_LETTERS = "INSERT INTO dead_letter (" + EVENT_COLUMNS
            + ", reason, dead_lettered_at) SELECT " + EVENT_COLUMNS
            + ", ?, ? FROM queued_event WHERE id = ? AND lease_token = ?";
    private static final String DELETE_EVENT = "DELETE FROM queued_event WHERE id = ?";
    private static final String COPY_FROM_DEAD_LETTERS = """
            INSERT INTO queued_event (id, function_name, qualifier, payload, enqueued_at, attempts,
                                      system_retries, visible_at)
            SELECT id, function_name, qualifier, payload, ?, 0, 0, ? FROM dead_letter WHERE id = ?""";
    private static final String DELETE_DEAD_LETTER = "DELETE FROM dead_letter WHERE id = ?";
    private static final String SELECT_EVENT = "SELECT " + EVENT_COLUMNS + " FROM queued_event WHERE id = ?";
    private static final String SELECT_DEAD_LETTER =
            "SELECT " + EVENT_COLUMNS + ", reason, dead_lettered_at FROM dead_letter WHERE id = ?";
    private static final String SELECT_DEAD_LETTERS_AFTER = "SELECT " + EVENT_COLUMNS
            + ", reason, dead_lettered_at FROM dead_letter"
            + " WHERE seq > coalesce((SELECT seq FROM dead_letter WHERE id = ?), 0) ORDER BY seq LIMIT ?";
    private static final String COUNT_READY = "SELECT count(*) FROM queued_event WHERE visible_at <= ?";
    private static final String COUNT_LEASED =
            "SELECT count(*) FROM queued_event WHERE visible_at > ? AND lease_token IS NOT NULL";
    private static final String COUNT_EVENTS = "SELECT count(*) FROM queued_event";
    private static final String COUNT_DEAD_LETTERS = "SELECT count(*) FROM dead_letter";

    private final Clock clock;
    private final GroupCommitWriter writer;
    private final StatementCache reader;
    private final ReentrantLock readerLock = new ReentrantLock();
    private volatile boolean closed;

    private SqliteEventQueue(Clock clock, GroupCommitWriter writer, StatementCache reader) {
        this.clock = clock;
        this.writer = writer;
        this.reader = reader;
    }

    /**
     * Opens (creating if needed) the queue's database, brings its schema up to date, and starts the
     * writer thread.
     *
     * @throws EventQueueException if the file cannot be opened or migrated
     */
    public static SqliteEventQueue open(SqliteQueueConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        SqliteDatabase database = SqliteDatabase.prepare(config);
        StatementCache reader = new StatementCache(database.connectForReading());
        Connection writeConnection = null;
        try {
            writeConnection = database.connectForWriting();
            GroupCommitWriter writer = new GroupCommitWriter(writeConnection, config.maxBatchSize(),
                    "hearth-queue-writer-" + config.databaseFile().getFileName());
            return new SqliteEventQueue(clock, writer, reader);
        } catch (SQLException | RuntimeException e) {
            closeAfterFailure(reader, writeConnection, e);
            throw new EventQueueException("cannot start the queue's writer on " + config.databaseFile(), e);
        }
    }

    @Override
    public void enqueue(NewEvent event) {
        Objects.requireNonNull(event, "event");
        byte[] payload = event.payload();
        boolean inserted = writer.executeSingleStatement(statements -> {
            long now = micros(clock.instant());
            PreparedStatement insert = statements.prepare(INSERT_EVENT);
            insert.setString(1, event.id());
            insert.setString(2, event.functionName());
            insert.setString(3, event.qualifier());
            insert.setBytes(4, payload);
            insert.setLong(5, now);
            insert.setLong(6, now);
            insert.setString(7, event.id());
            return insert.executeUpdate() == 1;
        });
        if (!inserted) {
            throw new DuplicateEventException(event.id());
        }
    }

    @Override
    public List<Lease> lease(int maxEvents, Duration leaseDuration) {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxEvents must be positive, was " + maxEvents);
        }
        requirePositive(leaseDuration, "leaseDuration");
        return writer.execute(statements -> {
            Instant now = clock.instant();
            Instant expiry = EventRows.instant(micros(now.plus(leaseDuration)));
            List<Lease> leases = new ArrayList<>();
            List<Long> sequences = new ArrayList<>();
            PreparedStatement select = statements.prepare(SELECT_VISIBLE);
            select.setLong(1, micros(now));
            select.setInt(2, maxEvents);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sequences.add(rows.getLong("seq"));
                    QueuedEvent event = EventRows.event(rows, Optional.of(expiry));
                    leases.add(new Lease(event, new LeaseToken(event.id(), UUID.randomUUID().toString()), expiry));
                }
            }
            PreparedStatement update = statements.prepare(MARK_LEASED);
            for (int i = 0; i < leases.size(); i++) {
                update.setLong(1, micros(expiry));
                update.setString(2, leases.get(i).token().value());
                update.setLong(3, sequences.get(i));
                update.executeUpdate();
            }
            return List.copyOf(leases);
        });
    }

    @Override
    public boolean extendLease(LeaseToken token, Duration leaseDuration) {
        Objects.requireNonNull(token, "token");
        requirePositive(leaseDuration, "leaseDuration");
        return writer.executeSingleStatement(statements -> {
            PreparedStatement update = statements.prepare(EXTEND_LEASE);
            update.setLong(1, micros(clock.instant().plus(leaseDuration)));
            update.setString(2, token.eventId());
            update.setString(3, token.value());
            return update.executeUpdate() == 1;
        });
    }

    @Override
    public boolean complete(LeaseToken token) {
        Objects.requireNonNull(token, "token");
        return writer.executeSingleStatement(statements -> {
            PreparedStatement delete = statements.prepare(DELETE_LEASED);
            delete.setString(1, token.eventId());
            delete.setString(2, token.value());
            return delete.executeUpdate() == 1;
        });
    }

    @Override
    public boolean release(LeaseToken token, Duration delay, RetryCause cause, String error) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(error, "error");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        int functionErrors = switch (cause) {
            case FUNCTION_ERROR -> 1;
            case SYSTEM -> 0;
        };
        return writer.executeSingleStatement(statements -> {
            PreparedStatement update = statements.prepare(RELEASE);
            update.setLong(1, micros(clock.instant().plus(delay)));
            update.setString(2, error);
            update.setInt(3, functionErrors);
            update.setInt(4, 1 - functionErrors);
            update.setString(5, token.eventId());
            update.setString(6, token.value());
            return update.executeUpdate() == 1;
        });
    }

    @Override
    public boolean moveToDeadLetters(LeaseToken token, String reason) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        return writer.execute(statements -> {
            PreparedStatement copy = statements.prepare(COPY_TO_DEAD_LETTERS);
            copy.setString(1, reason);
            copy.setLong(2, micros(clock.instant()));
            copy.setString(3, token.eventId());
            copy.setString(4, token.value());
            return copy.executeUpdate() == 1 && deleteById(statements, DELETE_EVENT, token.eventId());
        });
    }

    @Override
    public Optional<QueuedEvent> find(String eventId) {
        Objects.requireNonNull(eventId, "eventId");
        return read(statements -> {
            PreparedStatement select = statements.prepare(SELECT_EVENT);
            select.setString(1, eventId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(EventRows.event(rows, Optional.empty())) : Optional.empty();
            }
        });
    }

    @Override
    public List<DeadLetter> listDeadLetters(Optional<String> afterEventId, int maxItems) {
        Objects.requireNonNull(afterEventId, "afterEventId");
        if (maxItems <= 0) {
            throw new IllegalArgumentException("maxItems must be positive, was " + maxItems);
        }
        return read(statements -> {
            PreparedStatement select = statements.prepare(SELECT_DEAD_LETTERS_AFTER);
            select.setString(1, afterEventId.orElse(null));
            select.setInt(2, maxItems);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    letters.add(EventRows.deadLetter(rows));
                }
            }
            return List.copyOf(letters);
        });
    }

    @Override
    public Optional<DeadLetter> findDeadLetter(String eventId) {
        Objects.requireNonNull(eventId, "eventId");
        return read(statements -> {
            PreparedStatement select = statements.prepare(SELECT_DEAD_LETTER);
            select.setString(1, eventId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(EventRows.deadLetter(rows)) : Optional.empty();
            }
        });
    }

    @Override
    public boolean redrive(String eventId) {
        Objects.requireNonNull(eventId, "eventId");
        return writer.execute(statements -> {
            long now = micros(clock.instant());
            PreparedStatement copy = statements.prepare(COPY_FROM_DEAD_LETTERS);
            copy.setLong(1, now);
            copy.setLong(2, now);
            copy.setString(3, eventId);
            return copy.executeUpdate() == 1 && deleteById(statements, DELETE_DEAD_LETTER, eventId);
        });
    }

    @Override
    public boolean deleteDeadLetter(String eventId) {
        Objects.requireNonNull(eventId, "eventId");
        return writer.executeSingleStatement(statements -> deleteById(statements, DELETE_DEAD_LETTER, eventId));
    }

    @Override
    public QueueCounts counts() {
        return read(statements -> {
            long now = micros(clock.instant());
            long ready = count(statements.prepare(COUNT_READY), now);
            long leased = count(statements.prepare(COUNT_LEASED), now);
            long all = count(statements.prepare(COUNT_EVENTS), null);
            long deadLetters = count(statements.prepare(COUNT_DEAD_LETTERS), null);
            return new QueueCounts(ready, leased, all - ready - leased, deadLetters);
        });
    }

    @Override
    public void close() {
        readerLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            readerLock.unlock();
        }
        try {
            writer.close();
        } finally {
            readerLock.lock();
            try {
                reader.close();
            } catch (SQLException e) {
                throw new EventQueueException("closing the queue's read connection failed", e);
            } finally {
                readerLock.unlock();
            }
        }
    }

    /**
     * Runs a query in one read transaction (so the statements of one query see one snapshot) and ends
     * the transaction at once, so that it neither sees stale data later nor holds back checkpoints.
     */
    private <T> T read(GroupCommitWriter.Work<T> query) {
        readerLock.lock();
        try {
            if (closed) {
                throw new EventQueueException("the queue is closed");
            }
            try {
                return query.run(reader);
            } finally {
                reader.connection().rollback();
            }
        } catch (SQLException e) {
            throw new EventQueueException("reading the queue's database failed: " + e.getMessage(), e);
        } finally {
            readerLock.unlock();
        }
    }

    private static long count(PreparedStatement select, Long micros) throws SQLException {
        if (micros != null) {
            select.setLong(1, micros);
        }
        try (ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static boolean deleteById(StatementCache statements, String sql, String eventId) throws SQLException {
        PreparedStatement delete = statements.prepare(sql);
        delete.setString(1, eventId);
        return delete.executeUpdate() == 1;
    }

    private static void closeAfterFailure(StatementCache reader, Connection writeConnection, Exception failure) {
        try {
            reader.close();
            if (writeConnection != null) {
                writeConnection.close();
            }
        } catch (SQLException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    private static long micros(Instant instant) {
        return EventRows.micros(instant);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }
}
