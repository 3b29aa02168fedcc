package dev.hearth.sqs.sqlite;

import dev.hearth.sqs.spi.MessageQueueException;
import dev.hearth.sqs.spi.MessageQueueException.Kind;
import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.NewMessage;
import dev.hearth.sqs.spi.QueueCounts;
import dev.hearth.sqs.spi.QueueDescription;
import dev.hearth.sqs.spi.QueueSettings;
import dev.hearth.sqs.spi.ReceiveRequest;
import dev.hearth.sqs.spi.ReceivedMessage;
import dev.hearth.sqs.spi.RedrivePolicy;
import dev.hearth.sqs.spi.SendResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link MessageQueues} on one SQLite database file (WAL journal, {@code synchronous=FULL}: a send
 * is acknowledged only after its transaction is on disk). One connection, used under a lock, one
 * transaction per operation, except that concurrent sends share one (group commit: one {@code fsync}
 * for all the sends that arrived while the previous commit ran); receivers that long-poll wait outside the lock, on a per-queue signal
 * that sends raise (and re-check at least once a second for delays and visibility timeouts that end).
 *
 * <p>Threading: thread-safe; waiting receivers block their own thread only (use virtual threads).
 */
public final class SqliteMessageQueues implements MessageQueues {
    static final String MIGRATIONS = "classpath:dev/hearth/sqs/sqlite/migration";
    static final String HISTORY_TABLE = "sqs_schema_history";
    private static final long MAX_POLL_SLICE_MILLIS = 1_000;
    private static final String MESSAGE_COLUMNS = "id, message_id, body, attributes, trace_header, sent_ms, receive_count,"
            + " first_receive_ms, group_id, deduplication_id, sequence_number, dead_letter_source";

    private final Path file;
    private final Clock clock;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Signal> signals = new ConcurrentHashMap<>();
    private final Queue<PendingSend> pendingSends = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private SqliteMessageQueues(Path file, Clock clock, Connection connection) {
        this.file = file;
        this.clock = clock;
        this.connection = connection;
    }

    /**
     * Opens (creating and migrating if need be) the queues' database {@code file}.
     *
     * @throws MessageQueueException {@code STORAGE_FAILURE} when the file cannot be opened or migrated
     */
    public static SqliteMessageQueues open(Path file, Clock clock) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new MessageQueueException(Kind.STORAGE_FAILURE, "cannot create the directory of " + file, e);
        }
        SQLiteConfig settings = new SQLiteConfig();
        settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
        settings.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        settings.setBusyTimeout(10_000);
        settings.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SQLiteDataSource dataSource = new SQLiteDataSource(settings);
        dataSource.setUrl(url);
        try {
            Flyway.configure(SqliteMessageQueues.class.getClassLoader()).dataSource(dataSource).locations(MIGRATIONS)
                    .table(HISTORY_TABLE).failOnMissingLocations(true).load().migrate();
        } catch (FlywayException e) {
            throw new MessageQueueException(Kind.STORAGE_FAILURE, "cannot migrate the queues' database " + file, e);
        }
        try {
            Connection connection = settings.createConnection(url);
            connection.setAutoCommit(false);
            return new SqliteMessageQueues(file, clock, connection);
        } catch (SQLException e) {
            throw new MessageQueueException(Kind.STORAGE_FAILURE, "cannot open the queues' database " + file, e);
        }
    }

    // ---- queues

    @Override
    public QueueDescription createQueue(String name, QueueSettings settings, Map<String, String> tags) {
        return inTransaction(() -> {
            Optional<QueueRow> existing = findQueue(name);
            if (existing.isPresent()) {
                if (!existing.get().description().settings().equals(settings)) {
                    throw new MessageQueueException(Kind.QUEUE_NAME_EXISTS,
                            "A queue already exists with the same name and a different value for attribute(s)");
                }
                return existing.get().description();
            }
            long now = clock.millis();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO queue (name, fifo,"
                    + " content_based_deduplication, visibility_timeout_ms, retention_ms, delay_ms, receive_wait_ms,"
                    + " maximum_message_size, dead_letter_queue, max_receive_count, redrive_allow_policy, created_ms, modified_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, name);
                bindSettings(insert, 2, settings);
                insert.setLong(12, now);
                insert.setLong(13, now);
                insert.executeUpdate();
            }
            QueueRow created = findQueue(name).orElseThrow();
            writeTags(created.id(), tags);
            return created.description();
        });
    }

    @Override
    public Optional<QueueDescription> queue(String name) {
        return inTransaction(() -> findQueue(name).map(QueueRow::description));
    }

    @Override
    public List<QueueDescription> queues(String prefix) {
        return inTransaction(() -> {
            List<QueueDescription> found = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM queue ORDER BY name");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    QueueRow row = queueRow(rows);
                    if (row.description().name().startsWith(prefix)) {
                        found.add(row.description());
                    }
                }
            }
            return found;
        });
    }

    @Override
    public void deleteQueue(String name) {
        inTransaction(() -> {
            QueueRow queue = requireQueue(name);
            for (String table : List.of("message", "queue_tag", "deduplication")) {
                update("DELETE FROM " + table + " WHERE queue_id = ?", queue.id());
            }
            update("DELETE FROM queue WHERE id = ?", queue.id());
            return null;
        });
        Signal signal = signals.remove(name);
        if (signal != null) {
            signal.raise();
        }
    }

    @Override
    public QueueDescription updateQueue(String name, QueueSettings settings) {
        return inTransaction(() -> {
            QueueRow queue = requireQueue(name);
            try (PreparedStatement update = connection.prepareStatement("UPDATE queue SET fifo = ?, content_based_deduplication = ?,"
                    + " visibility_timeout_ms = ?, retention_ms = ?, delay_ms = ?, receive_wait_ms = ?, maximum_message_size = ?,"
                    + " dead_letter_queue = ?, max_receive_count = ?, redrive_allow_policy = ?, modified_ms = ? WHERE id = ?")) {
                bindSettings(update, 1, settings);
                update.setLong(11, clock.millis());
                update.setLong(12, queue.id());
                update.executeUpdate();
            }
            return findQueue(name).orElseThrow().description();
        });
    }

    @Override
    public Map<String, String> tags(String queue) {
        return inTransaction(() -> {
            QueueRow row = requireQueue(queue);
            Map<String, String> tags = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT tag_key, value FROM queue_tag WHERE queue_id = ? ORDER BY tag_key")) {
                select.setLong(1, row.id());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        tags.put(rows.getString(1), rows.getString(2));
                    }
                }
            }
            return tags;
        });
    }

    @Override
    public void tag(String queue, Map<String, String> tags) {
        inTransaction(() -> {
            writeTags(requireQueue(queue).id(), tags);
            return null;
        });
    }

    @Override
    public void untag(String queue, Set<String> keys) {
        inTransaction(() -> {
            long id = requireQueue(queue).id();
            for (String key : keys) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM queue_tag WHERE queue_id = ? AND tag_key = ?")) {
                    delete.setLong(1, id);
                    delete.setString(2, key);
                    delete.executeUpdate();
                }
            }
            return null;
        });
    }

    private void writeTags(long queueId, Map<String, String> tags) throws SQLException {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT OR REPLACE INTO queue_tag (queue_id, tag_key, value) VALUES (?, ?, ?)")) {
                upsert.setLong(1, queueId);
                upsert.setString(2, tag.getKey());
                upsert.setString(3, tag.getValue());
                upsert.executeUpdate();
            }
        }
    }

    // ---- messages

    /** A send waiting for the next group commit. */
    private record PendingSend(String queue, List<NewMessage> messages, CompletableFuture<List<SendResult>> outcome) {}

    /**
     * Group commit: the send joins the pending ones; whichever sender holds the lock next stores all
     * pending sends in one transaction (each under a savepoint, so one refused send does not undo the
     * others) and one {@code fsync}, then completes every one of them.
     */
    @Override
    public List<SendResult> send(String queue, List<NewMessage> messages) {
        PendingSend mine = new PendingSend(queue, List.copyOf(messages), new CompletableFuture<>());
        pendingSends.add(mine);
        lock.lock();
        try {
            if (!mine.outcome().isDone()) {
                commitPendingSends();
            }
        } finally {
            lock.unlock();
        }
        try {
            return mine.outcome().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof MessageQueueException refused) {
                throw new MessageQueueException(refused.kind(), refused.getMessage(), refused);
            }
            throw e;
        }
    }

    /** Stores every pending send in one transaction; called with the lock held. */
    private void commitPendingSends() {
        List<PendingSend> batch = new ArrayList<>();
        for (PendingSend next = pendingSends.poll(); next != null; next = pendingSends.poll()) {
            batch.add(next);
        }
        Map<PendingSend, Object> outcomes = new LinkedHashMap<>();
        try {
            if (closed) {
                throw new MessageQueueException(Kind.STORAGE_FAILURE, "the queues' database " + file + " is closed");
            }
            for (PendingSend send : batch) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    outcomes.put(send, storeSend(send.queue(), send.messages()));
                    connection.releaseSavepoint(savepoint);
                } catch (MessageQueueException refused) {
                    connection.rollback(savepoint);
                    outcomes.put(send, refused);
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            MessageQueueException failure = e instanceof MessageQueueException m ? m
                    : new MessageQueueException(Kind.STORAGE_FAILURE, "the queues' database " + file + " failed: " + e.getMessage(), e);
            batch.forEach(send -> send.outcome().completeExceptionally(failure));
            return;
        }
        Set<String> touched = new HashSet<>();
        for (PendingSend send : batch) {
            Object outcome = outcomes.get(send);
            if (outcome instanceof MessageQueueException refused) {
                send.outcome().completeExceptionally(refused);
            } else {
                @SuppressWarnings("unchecked")
                List<SendResult> results = (List<SendResult>) outcome;
                send.outcome().complete(results);
                touched.add(send.queue());
            }
        }
        touched.forEach(this::wake);
    }

    private List<SendResult> storeSend(String queue, List<NewMessage> messages) throws SQLException {
        QueueRow row = requireQueue(queue);
        QueueSettings settings = row.description().settings();
        long now = clock.millis();
        if (settings.fifo()) {
            update("DELETE FROM deduplication WHERE queue_id = ? AND expires_ms <= ?", row.id(), now);
        }
        List<SendResult> sent = new ArrayList<>();
        for (NewMessage message : messages) {
            sent.add(settings.fifo() ? sendFifo(row, message, now) : insert(row.id(), message,
                    now + message.delay().orElse(settings.delay()).toMillis(), now, null, null, null));
        }
        return sent;
    }

    private SendResult sendFifo(QueueRow queue, NewMessage message, long now) throws SQLException {
        QueueSettings settings = queue.description().settings();
        if (message.groupId().isEmpty()) {
            throw new MessageQueueException(Kind.INVALID_MESSAGE, "The request must contain the parameter MessageGroupId.");
        }
        String deduplicationId;
        if (message.deduplicationId().isPresent()) {
            deduplicationId = message.deduplicationId().get();
        } else if (settings.contentBasedDeduplication()) {
            deduplicationId = sha256(message.body());
        } else {
            throw new MessageQueueException(Kind.INVALID_MESSAGE, "The queue should either have ContentBasedDeduplication"
                    + " enabled or MessageDeduplicationId provided explicitly");
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT message_id, sequence_number FROM deduplication"
                + " WHERE queue_id = ? AND deduplication_id = ? AND expires_ms > ?")) {
            select.setLong(1, queue.id());
            select.setString(2, deduplicationId);
            select.setLong(3, now);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    return new SendResult(rows.getString(1), Optional.ofNullable(rows.getString(2)), true);
                }
            }
        }
        long sequence;
        try (PreparedStatement next = connection.prepareStatement(
                "UPDATE queue SET next_sequence = next_sequence + 1 WHERE id = ? RETURNING next_sequence - 1")) {
            next.setLong(1, queue.id());
            try (ResultSet rows = next.executeQuery()) {
                rows.next();
                sequence = rows.getLong(1);
            }
        }
        String sequenceNumber = String.format("%020d", 18_000_000_000_000_000L + sequence);
        SendResult result = insert(queue.id(), message, now + settings.delay().toMillis(), now, deduplicationId, sequenceNumber, null);
        try (PreparedStatement remember = connection.prepareStatement("INSERT OR REPLACE INTO deduplication"
                + " (queue_id, deduplication_id, message_id, sequence_number, expires_ms) VALUES (?, ?, ?, ?, ?)")) {
            remember.setLong(1, queue.id());
            remember.setString(2, deduplicationId);
            remember.setString(3, result.messageId());
            remember.setString(4, sequenceNumber);
            remember.setLong(5, now + DEDUPLICATION_WINDOW.toMillis());
            remember.executeUpdate();
        }
        return result;
    }

    private SendResult insert(long queueId, NewMessage message, long visibleAt, long sentAt, String deduplicationId,
            String sequenceNumber, String deadLetterSource) throws SQLException {
        String messageId = UUID.randomUUID().toString();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO message (queue_id, message_id, body, attributes,"
                + " trace_header, sent_ms, visible_ms, group_id, deduplication_id, sequence_number, dead_letter_source)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, queueId);
            insert.setString(2, messageId);
            insert.setString(3, message.body());
            insert.setBytes(4, AttributeCodec.encode(message.attributes()));
            insert.setString(5, message.traceHeader().orElse(null));
            insert.setLong(6, sentAt);
            insert.setLong(7, visibleAt);
            insert.setString(8, message.groupId().orElse(null));
            insert.setString(9, deduplicationId);
            insert.setString(10, sequenceNumber);
            insert.setString(11, deadLetterSource);
            insert.executeUpdate();
        }
        return new SendResult(messageId, Optional.ofNullable(sequenceNumber), false);
    }

    @Override
    public List<ReceivedMessage> receive(String queue, ReceiveRequest request) throws InterruptedException {
        Signal signal = null; // subscribed only once the queue is known to exist and a wait is due
        long seen = 0;
        long waitNanos = -1;
        long deadline = 0;
        while (true) {
            if (signal != null) {
                seen = signal.version();
            }
            Claimed claimed = inTransaction(() -> claim(queue, request));
            if (!claimed.messages().isEmpty()) {
                return claimed.messages();
            }
            if (waitNanos < 0) {
                waitNanos = request.waitTime().orElse(claimed.queueWait()).toNanos();
                deadline = System.nanoTime() + waitNanos;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || closed) {
                return List.of();
            }
            if (signal == null) {
                signal = signals.computeIfAbsent(queue, name -> new Signal());
                continue; // look once more, now that a send would wake this receiver
            }
            signal.await(seen, Math.min(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, MAX_POLL_SLICE_MILLIS));
        }
    }

    private record Claimed(List<ReceivedMessage> messages, Duration queueWait) {}

    private Claimed claim(String queueName, ReceiveRequest request) throws SQLException {
        QueueRow queue = requireQueue(queueName);
        QueueSettings settings = queue.description().settings();
        long now = clock.millis();
        long expiredBefore = now - settings.retentionPeriod().toMillis();
        update("DELETE FROM message WHERE queue_id = ? AND sent_ms <= ?", queue.id(), expiredBefore);
        long visibleUntil = now + request.visibilityTimeout().orElse(settings.visibilityTimeout()).toMillis();
        Optional<QueueRow> deadLetters = settings.redrivePolicy().flatMap(policy -> {
            try {
                return findQueue(policy.deadLetterQueue()).filter(dlq -> dlq.id() != queue.id());
            } catch (SQLException e) {
                throw new MessageQueueException(Kind.STORAGE_FAILURE, "cannot read the dead-letter queue of " + queueName, e);
            }
        });
        Set<String> blockedGroups = settings.fifo() ? inFlightGroups(queue.id(), now) : Set.of();
        String order = settings.fifo() ? "id" : "visible_ms, id";
        List<ReceivedMessage> received = new ArrayList<>();
        boolean moved = false;
        long afterRow = -1;
        Set<Long> seenRows = new HashSet<>();
        int page = Math.max(request.maxMessages(), 10) * 2;
        scan:
        while (true) {
            List<MessageRow> candidates = new ArrayList<>();
            String sql = "SELECT " + MESSAGE_COLUMNS + " FROM message WHERE queue_id = ? AND visible_ms <= ?"
                    + (settings.fifo() ? " AND id > ?" : "") + " ORDER BY " + order + " LIMIT ?";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int i = 1;
                select.setLong(i++, queue.id());
                select.setLong(i++, now);
                if (settings.fifo()) {
                    select.setLong(i++, afterRow);
                }
                select.setInt(i, page);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        candidates.add(messageRow(rows));
                    }
                }
            }
            if (candidates.isEmpty()) {
                break;
            }
            boolean progressed = false;
            for (MessageRow message : candidates) {
                afterRow = message.row();
                if (!seenRows.add(message.row())) {
                    continue; // claimed with a visibility timeout of zero: visible again, but not twice in one receive
                }
                if (message.groupId() != null && blockedGroups.contains(message.groupId())) {
                    continue;
                }
                Optional<RedrivePolicy> redrive = settings.redrivePolicy();
                if (redrive.isPresent() && deadLetters.isPresent() && message.receiveCount() >= redrive.get().maxReceiveCount()) {
                    update("UPDATE message SET queue_id = ?, visible_ms = ?, receive_count = 0, first_receive_ms = NULL,"
                            + " receipt_token = NULL, dead_letter_source = ? WHERE id = ?",
                            deadLetters.get().id(), now, queueName, message.row());
                    moved = true;
                    progressed = true;
                    continue;
                }
                String token = ReceiptHandle.newToken();
                long firstReceive = message.firstReceivedMs() == null ? now : message.firstReceivedMs();
                update("UPDATE message SET visible_ms = ?, receive_count = receive_count + 1, first_receive_ms = ?,"
                        + " receipt_token = ? WHERE id = ?", visibleUntil, firstReceive, token, message.row());
                progressed = true;
                received.add(new ReceivedMessage(message.messageId(),
                        new ReceiptHandle(queue.id(), message.row(), token).encode(), message.body(), message.attributes(),
                        Instant.ofEpochMilli(message.sentMs()), message.receiveCount() + 1, Instant.ofEpochMilli(firstReceive),
                        Optional.ofNullable(message.groupId()), Optional.ofNullable(message.deduplicationId()),
                        Optional.ofNullable(message.sequenceNumber()), Optional.ofNullable(message.deadLetterSource()),
                        Optional.ofNullable(message.traceHeader())));
                if (received.size() == request.maxMessages()) {
                    break scan;
                }
            }
            if (!settings.fifo() && !progressed) {
                break;
            }
        }
        if (moved) {
            wake(deadLetters.orElseThrow().description().name()); // its receivers look once this commits
        }
        return new Claimed(received, settings.receiveWaitTime());
    }

    private Set<String> inFlightGroups(long queueId, long now) throws SQLException {
        Set<String> groups = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT group_id FROM message"
                + " WHERE queue_id = ? AND visible_ms > ? AND receive_count > 0")) {
            select.setLong(1, queueId);
            select.setLong(2, now);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    groups.add(rows.getString(1));
                }
            }
        }
        return groups;
    }

    @Override
    public void delete(String queue, String receiptHandle) {
        Optional<MessageQueueException> failure = deleteAll(queue, List.of(receiptHandle)).getFirst();
        if (failure.isPresent()) {
            throw failure.get();
        }
    }

    @Override
    public List<Optional<MessageQueueException>> deleteAll(String queue, List<String> receiptHandles) {
        return inTransaction(() -> {
            QueueRow row = requireQueue(queue);
            List<Optional<MessageQueueException>> outcomes = new ArrayList<>();
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM message WHERE id = ? AND queue_id = ? AND receipt_token = ?")) {
                for (String receiptHandle : receiptHandles) {
                    ReceiptHandle handle;
                    try {
                        handle = ReceiptHandle.parse(receiptHandle);
                    } catch (MessageQueueException invalid) {
                        outcomes.add(Optional.of(invalid));
                        continue;
                    }
                    if (handle.queueId() != row.id()) {
                        outcomes.add(Optional.of(invalidHandle(receiptHandle)));
                        continue;
                    }
                    delete.setLong(1, handle.messageRow());
                    delete.setLong(2, row.id());
                    delete.setString(3, handle.token());
                    delete.executeUpdate();
                    outcomes.add(Optional.empty());
                }
            }
            return outcomes;
        });
    }

    @Override
    public void changeVisibility(String queue, String receiptHandle, Duration timeout) {
        ReceiptHandle handle = ReceiptHandle.parse(receiptHandle);
        inTransaction(() -> {
            QueueRow row = requireQueue(queue);
            if (handle.queueId() != row.id()) {
                throw invalidHandle(receiptHandle);
            }
            long now = clock.millis();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT visible_ms FROM message WHERE id = ? AND queue_id = ? AND receipt_token = ?")) {
                select.setLong(1, handle.messageRow());
                select.setLong(2, row.id());
                select.setString(3, handle.token());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new MessageQueueException(Kind.RECEIPT_HANDLE_STALE, "Value " + receiptHandle
                                + " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not"
                                + " available for visibility timeout change.");
                    }
                    if (rows.getLong(1) <= now) {
                        throw new MessageQueueException(Kind.MESSAGE_NOT_IN_FLIGHT, "Message not inflight.");
                    }
                }
            }
            update("UPDATE message SET visible_ms = ? WHERE id = ?", now + timeout.toMillis(), handle.messageRow());
            return null;
        });
        if (timeout.isZero()) {
            wake(queue);
        }
    }

    private static MessageQueueException invalidHandle(String receiptHandle) {
        return new MessageQueueException(Kind.RECEIPT_HANDLE_INVALID,
                "The input receipt handle \"" + receiptHandle + "\" is not a valid receipt handle.");
    }

    @Override
    public void purge(String queue) {
        inTransaction(() -> {
            update("DELETE FROM message WHERE queue_id = ?", requireQueue(queue).id());
            return null;
        });
    }

    @Override
    public QueueCounts counts(String queue) {
        return inTransaction(() -> {
            QueueRow row = requireQueue(queue);
            long now = clock.millis();
            long liveAfter = now - row.description().settings().retentionPeriod().toMillis();
            try (PreparedStatement select = connection.prepareStatement("SELECT"
                    + " COALESCE(SUM(visible_ms <= ?), 0),"
                    + " COALESCE(SUM(visible_ms > ? AND receive_count > 0), 0),"
                    + " COALESCE(SUM(visible_ms > ? AND receive_count = 0), 0)"
                    + " FROM message WHERE queue_id = ? AND sent_ms > ?")) {
                select.setLong(1, now);
                select.setLong(2, now);
                select.setLong(3, now);
                select.setLong(4, row.id());
                select.setLong(5, liveAfter);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return new QueueCounts(rows.getLong(1), rows.getLong(2), rows.getLong(3));
                }
            }
        });
    }

    @Override
    public List<String> deadLetterSourceQueues(String deadLetterQueue) {
        return inTransaction(() -> {
            requireQueue(deadLetterQueue);
            List<String> sources = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name FROM queue WHERE dead_letter_queue = ? ORDER BY name")) {
                select.setString(1, deadLetterQueue);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        sources.add(rows.getString(1));
                    }
                }
            }
            return sources;
        });
    }

    @Override
    public void close() {
        closed = true;
        signals.values().forEach(Signal::raise);
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new MessageQueueException(Kind.STORAGE_FAILURE, "cannot close the queues' database " + file, e);
        } finally {
            lock.unlock();
        }
    }

    // ---- rows and transactions

    private record QueueRow(long id, QueueDescription description) {}

    private record MessageRow(long row, String messageId, String body, Map<String, dev.hearth.sqs.spi.MessageAttribute> attributes,
            String traceHeader, long sentMs, int receiveCount, Long firstReceivedMs, String groupId, String deduplicationId,
            String sequenceNumber, String deadLetterSource) {}

    private static MessageRow messageRow(ResultSet rows) throws SQLException {
        long firstReceive = rows.getLong("first_receive_ms");
        Long first = rows.wasNull() ? null : firstReceive;
        return new MessageRow(rows.getLong("id"), rows.getString("message_id"), rows.getString("body"),
                AttributeCodec.decode(rows.getBytes("attributes")), rows.getString("trace_header"), rows.getLong("sent_ms"),
                rows.getInt("receive_count"), first, rows.getString("group_id"), rows.getString("deduplication_id"),
                rows.getString("sequence_number"), rows.getString("dead_letter_source"));
    }

    private Optional<QueueRow> findQueue(String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM queue WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(queueRow(rows)) : Optional.empty();
            }
        }
    }

    private QueueRow requireQueue(String name) throws SQLException {
        return findQueue(name).orElseThrow(() -> MessageQueueException.noQueue(name));
    }

    private static QueueRow queueRow(ResultSet rows) throws SQLException {
        String deadLetterQueue = rows.getString("dead_letter_queue");
        Optional<RedrivePolicy> redrive = deadLetterQueue == null ? Optional.empty()
                : Optional.of(new RedrivePolicy(deadLetterQueue, rows.getInt("max_receive_count")));
        QueueSettings settings = new QueueSettings(Duration.ofMillis(rows.getLong("visibility_timeout_ms")),
                Duration.ofMillis(rows.getLong("retention_ms")), Duration.ofMillis(rows.getLong("delay_ms")),
                Duration.ofMillis(rows.getLong("receive_wait_ms")), rows.getInt("maximum_message_size"), redrive,
                Optional.ofNullable(rows.getString("redrive_allow_policy")), rows.getInt("fifo") != 0,
                rows.getInt("content_based_deduplication") != 0);
        return new QueueRow(rows.getLong("id"), new QueueDescription(rows.getString("name"), settings,
                Instant.ofEpochMilli(rows.getLong("created_ms")), Instant.ofEpochMilli(rows.getLong("modified_ms"))));
    }

    /** Binds settings to 10 parameters from {@code first}, in the order of the queue table's columns. */
    private static void bindSettings(PreparedStatement statement, int first, QueueSettings settings) throws SQLException {
        statement.setInt(first, settings.fifo() ? 1 : 0);
        statement.setInt(first + 1, settings.contentBasedDeduplication() ? 1 : 0);
        statement.setLong(first + 2, settings.visibilityTimeout().toMillis());
        statement.setLong(first + 3, settings.retentionPeriod().toMillis());
        statement.setLong(first + 4, settings.delay().toMillis());
        statement.setLong(first + 5, settings.receiveWaitTime().toMillis());
        statement.setInt(first + 6, settings.maximumMessageSize());
        if (settings.redrivePolicy().isPresent()) {
            statement.setString(first + 7, settings.redrivePolicy().get().deadLetterQueue());
            statement.setInt(first + 8, settings.redrivePolicy().get().maxReceiveCount());
        } else {
            statement.setNull(first + 7, Types.VARCHAR);
            statement.setNull(first + 8, Types.INTEGER);
        }
        statement.setString(first + 9, settings.redriveAllowPolicy().orElse(null));
    }

    private void update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new MessageQueueException(Kind.STORAGE_FAILURE, "the queues' database " + file + " is closed");
            }
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new MessageQueueException(Kind.STORAGE_FAILURE, "the queues' database " + file + " failed: "
                        + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void wake(String queue) {
        Signal signal = signals.get(queue);
        if (signal != null) {
            signal.raise();
        }
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** What waiting receivers of one queue wait on: a version that every send raises. */
    private static final class Signal {
        private long version;

        synchronized long version() {
            return version;
        }

        synchronized void raise() {
            version++;
            notifyAll();
        }

        synchronized void await(long seen, long millis) throws InterruptedException {
            if (version == seen) {
                wait(millis);
            }
        }
    }
}
