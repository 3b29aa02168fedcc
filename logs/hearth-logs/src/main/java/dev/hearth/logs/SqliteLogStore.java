package dev.hearth.logs;

import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Durable function logs in one SQLite database file (WAL, {@code synchronous=NORMAL}: a committed
 * batch survives a process crash; a power loss may lose the last batches), schema migrated by Flyway
 * from {@code db/logs}.
 *
 * <p>Writing: {@link #append} only enqueues the line into a bounded in-memory buffer; one writer
 * thread ({@code hearth-log-writer}) drains it and inserts the lines in batches, one transaction per
 * batch. When the buffer is full, {@code append} waits up to {@link LogStoreSettings#appendTimeout()}
 * and then drops the line: drops are counted ({@link #droppedLines()}) and reported as a warning in
 * the log, never silent. Lines appended after {@link #close()} are dropped the same way. Lines whose
 * batch fails to commit are logged with the cause and counted in {@link #failedLines()}.
 *
 * <p>Retention: events older than {@link LogStoreSettings#retentionAge()} (by event timestamp, on the
 * injected clock) are deleted, then the oldest ingested events beyond
 * {@link LogStoreSettings#maxEvents()}; streams left empty are deleted, groups are kept. It runs every
 * {@link LogStoreSettings#retentionInterval()} on the injected scheduler, and on
 * {@link #enforceRetention()}.
 *
 * <p>Reading: queries see the batches committed so far ({@link #flush()} first to see everything
 * appended). Unknown groups and streams fail with a {@link dev.hearth.core.LambdaException} of type
 * ResourceNotFoundException carrying CloudWatch's message.
 *
 * <p>Threading: every method is thread-safe. Ownership: the store owns its database connections and
 * its writer thread; {@link #close()} flushes, stops the writer and closes the connections. It does
 * not own the scheduler (it only cancels its own task).
 */
public final class SqliteLogStore implements AutoCloseable {
    /** Most events one {@link #events} call examines; a page that hits it is short but has a next token. */
    public static final int SCAN_BUDGET = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLogStore.class);

    private final LogStoreSettings settings;
    private final InstantSource clock;
    private final BlockingQueue<WriterTask> buffer;
    private final Thread writerThread;
    private final Connection writeConnection;
    private final SqliteLogReader reader;
    private final AtomicLong droppedLines = new AtomicLong();
    private final AtomicLong failedLines = new AtomicLong();
    private final AtomicLong droppedAfterClose = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Optional<ScheduledFuture<?>> retentionTask;

    private SqliteLogStore(Connection writeConnection, Connection readConnection, LogStoreSettings settings, InstantSource clock,
            Optional<ScheduledExecutorService> scheduler) {
        this.settings = settings;
        this.clock = clock;
        this.writeConnection = writeConnection;
        this.reader = new SqliteLogReader(readConnection);
        this.buffer = new ArrayBlockingQueue<>(settings.bufferCapacity());
        SqliteLogWriter writer = new SqliteLogWriter(writeConnection, buffer, settings, clock, droppedLines, failedLines);
        this.writerThread = HearthThreads.startDaemon("log-writer", writer);
        long every = settings.retentionInterval().toMillis();
        this.retentionTask = scheduler.map(s -> s.scheduleWithFixedDelay(this::requestRetention, every, every, TimeUnit.MILLISECONDS));
    }

    /**
     * Opens (creating and migrating if needed) the store in {@code databaseFile}.
     *
     * @param clock ingestion times and the retention cut-off come from it
     * @param scheduler runs periodic retention; empty to run retention only on {@link #enforceRetention()}
     * @throws LogStoreException when the database cannot be opened or migrated
     */
    public static SqliteLogStore open(Path databaseFile, LogStoreSettings settings, InstantSource clock,
            Optional<ScheduledExecutorService> scheduler) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(databaseFile.toAbsolutePath().getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(10_000);
            SQLiteDataSource dataSource = new SQLiteDataSource(config);
            dataSource.setUrl("jdbc:sqlite:" + databaseFile.toAbsolutePath());
            Flyway.configure(SqliteLogStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/logs")
                    .load()
                    .migrate();
            Connection write = dataSource.getConnection();
            write.setAutoCommit(false);
            Connection read = dataSource.getConnection();
            read.setAutoCommit(true);
            return new SqliteLogStore(write, read, settings, clock, scheduler);
        } catch (SQLException | IOException | RuntimeException e) {
            throw new LogStoreException("cannot open the log store at " + databaseFile + ": " + e.getMessage(), e);
        }
    }

    /** Opens the store with the default settings, the system clock and no periodic retention. */
    public static SqliteLogStore open(Path databaseFile) {
        return open(databaseFile, LogStoreSettings.DEFAULTS, InstantSource.system(), Optional.empty());
    }

    /**
     * Adds one line to a log stream of a log group (both created on first use). Returns once the line
     * is buffered, without waiting for disk; waits at most {@link LogStoreSettings#appendTimeout()} when
     * the buffer is full, then drops and counts the line. Has the shape of the worker's
     * {@code LogSink.append}, so {@code logStore::append} is one.
     */
    public void append(String logGroup, String logStream, Instant timestamp, String message) {
        WriterTask.Line line = new WriterTask.Line(Objects.requireNonNull(logGroup, "logGroup"),
                Objects.requireNonNull(logStream, "logStream"), timestamp.toEpochMilli(), clock.millis(),
                Objects.requireNonNull(message, "message"));
        if (closed.get()) {
            long dropped = droppedLines.incrementAndGet();
            if (droppedAfterClose.getAndIncrement() % 10_000 == 0) {
                LOG.warn("log store is closed: dropped a line for {} {} ({} dropped in total)", logGroup, logStream, dropped);
            }
            return;
        }
        boolean queued;
        try {
            queued = buffer.offer(line) || buffer.offer(line, settings.appendTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
        }
        if (!queued) {
            droppedLines.incrementAndGet();
        }
    }

    /**
     * Waits until every line appended before this call is committed.
     *
     * @throws LogStoreException when lines appended since the previous flush failed to commit
     * @throws IllegalStateException when the store is closed
     */
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new WriterTask.Barrier(done));
        await(done);
    }

    /** Runs a retention pass now (after the lines appended before it are written) and waits for it. */
    public RetentionOutcome enforceRetention() {
        CompletableFuture<RetentionOutcome> done = new CompletableFuture<>();
        enqueue(new WriterTask.Retention(done));
        return await(done);
    }

    private void requestRetention() {
        if (closed.get()) {
            return;
        }
        CompletableFuture<RetentionOutcome> done = new CompletableFuture<>();
        done.whenComplete((outcome, failure) -> {
            if (failure != null) {
                LOG.error("periodic log retention failed", failure);
            } else if (outcome.expired() + outcome.evicted() > 0) {
                LOG.info("log retention deleted {} expired and {} evicted events, {} empty streams", outcome.expired(),
                        outcome.evicted(), outcome.streamsRemoved());
            }
        });
        if (!buffer.offer(new WriterTask.Retention(done))) {
            LOG.warn("log buffer full: periodic retention skipped this time");
        }
    }

    private void enqueue(WriterTask task) {
        if (closed.get()) {
            throw new IllegalStateException("the log store is closed");
        }
        try {
            buffer.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room in the log buffer", e);
        }
    }

    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the log writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new LogStoreException("log writer failed: " + e.getCause(), e.getCause());
        }
    }

    /** Lines dropped so far because the buffer stayed full or the store was closed. */
    public long droppedLines() {
        return droppedLines.get();
    }

    /** Lines lost so far because their batch failed to commit. */
    public long failedLines() {
        return failedLines.get();
    }

    /** Lines waiting in the buffer for the writer. */
    public int bufferedLines() {
        return buffer.size();
    }

    public LogStoreSettings settings() {
        return settings;
    }

    public Optional<LogGroupInfo> logGroup(String name) {
        return reader.logGroup(name);
    }

    /** Log groups in name order, optionally only those whose name starts with {@code prefix}. */
    public Page<LogGroupInfo> logGroups(Optional<String> prefix, int limit, Optional<String> nextToken) {
        return reader.logGroups(prefix, limit, nextToken);
    }

    /**
     * Streams of a group in the given order (ties on last event time broken by name).
     *
     * @throws dev.hearth.core.LambdaException ResourceNotFoundException when the group does not exist
     */
    public Page<LogStreamInfo> logStreams(String logGroup, Optional<String> prefix, LogStreamOrder order, boolean descending,
            int limit, Optional<String> nextToken) {
        return reader.logStreams(logGroup, prefix, order, descending, limit, nextToken);
    }

    /**
     * Events of a group across the selected streams, in (timestamp, event id) order — for one stream
     * that is timestamp order, then append order.
     *
     * @throws dev.hearth.core.LambdaException ResourceNotFoundException when the group does not exist;
     *     InvalidParameterException for a token that is not one of this store's
     */
    public Page<LogEvent> events(EventQuery query) {
        return reader.events(query);
    }

    /**
     * Events of one stream with timestamps in [{@code startTime}, {@code endTime}), as GetLogEvents:
     * without a token, the first {@code limit} ({@code startFromHead}) or the last {@code limit};
     * with a token, the page after ("f/...") or before ("b/...") it.
     *
     * @throws dev.hearth.core.LambdaException ResourceNotFoundException when the group or stream does
     *     not exist
     */
    public StreamEvents streamEvents(String logGroup, String logStream, long startTime, long endTime, int limit,
            boolean startFromHead, Optional<String> token) {
        return reader.streamEvents(logGroup, logStream, startTime, endTime, limit, startFromHead, token);
    }

    /** Flushes what is buffered, stops the writer and closes the database. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        retentionTask.ifPresent(task -> task.cancel(false));
        try {
            buffer.put(new WriterTask.Stop());
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the log store", e);
        }
        try (Connection write = writeConnection; SqliteLogReader read = reader) {
            LOG.debug("closing log store ({} lines dropped, {} failed)", droppedLines.get(), failedLines.get());
        } catch (SQLException e) {
            throw new LogStoreException("cannot close the log store: " + e.getMessage(), e);
        }
    }
}
