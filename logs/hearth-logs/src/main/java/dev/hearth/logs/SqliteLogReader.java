package dev.hearth.logs;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's queries, on their own connection (WAL lets them run beside the writer and see only
 * committed batches). Threading: queries are serialized by a lock; each is short and bounded.
 */
final class SqliteLogReader implements AutoCloseable {
    /** Events read from the database per query round while filtering. */
    private static final int CHUNK = 500;
    /** A page of events stops once its messages reach about this many bytes, as CloudWatch's 1 MB. */
    private static final long MAX_PAGE_BYTES = 1024 * 1024;

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    SqliteLogReader(Connection connection) {
        this.connection = connection;
    }

    @FunctionalInterface
    private interface Query<T> {
        T run() throws SQLException;
    }

    private <T> T locked(String what, Query<T> query) {
        lock.lock();
        try {
            return query.run();
        } catch (SQLException e) {
            throw new LogStoreException("log store: " + what + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    Optional<LogGroupInfo> logGroup(String name) {
        return locked("reading log group " + name, () -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, creation_time, stored_bytes FROM log_group WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(group(rows)) : Optional.empty();
                }
            }
        });
    }

    Page<LogGroupInfo> logGroups(Optional<String> prefix, int limit, Optional<String> nextToken) {
        String after = nextToken.map(t -> decodeText(t, "g")).orElse("");
        return locked("listing log groups", () -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT name, creation_time, stored_bytes FROM log_group"
                    + " WHERE substr(name, 1, ?) = ? AND name > ? ORDER BY name LIMIT ?")) {
                select.setInt(1, prefix.orElse("").length());
                select.setString(2, prefix.orElse(""));
                select.setString(3, after);
                select.setInt(4, limit + 1);
                List<LogGroupInfo> groups = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        groups.add(group(rows));
                    }
                }
                if (groups.size() <= limit) {
                    return new Page<>(groups, Optional.empty());
                }
                List<LogGroupInfo> page = groups.subList(0, limit);
                return new Page<>(page, Optional.of(encodeText("g", page.getLast().name())));
            }
        });
    }

    Page<LogStreamInfo> logStreams(String logGroup, Optional<String> prefix, LogStreamOrder order, boolean descending, int limit,
            Optional<String> nextToken) {
        Optional<StreamPosition> after = nextToken.map(StreamPosition::parse);
        return locked("listing log streams of " + logGroup, () -> {
            long groupId = groupId(logGroup);
            String direction = descending ? "DESC" : "ASC";
            String compare = descending ? "<" : ">";
            String sql = "SELECT name, creation_time, first_event_time, last_event_time, last_ingestion_time FROM log_stream"
                    + " WHERE group_id = ? AND substr(name, 1, ?) = ?"
                    + switch (order) {
                        case LogStreamName -> (after.isPresent() ? " AND name " + compare + " ?" : "") + " ORDER BY name " + direction;
                        case LastEventTime -> (after.isPresent() ? " AND (last_event_time, name) " + compare + " (?, ?)" : "")
                                + " ORDER BY last_event_time " + direction + ", name " + direction;
                    }
                    + " LIMIT ?";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int p = 1;
                select.setLong(p++, groupId);
                select.setInt(p++, prefix.orElse("").length());
                select.setString(p++, prefix.orElse(""));
                if (after.isPresent()) {
                    if (order == LogStreamOrder.LastEventTime) {
                        select.setLong(p++, after.get().lastEventTime());
                    }
                    select.setString(p++, after.get().name());
                }
                select.setInt(p, limit + 1);
                List<LogStreamInfo> streams = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        streams.add(new LogStreamInfo(logGroup, rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                                rows.getLong(5)));
                    }
                }
                if (streams.size() <= limit) {
                    return new Page<>(streams, Optional.empty());
                }
                List<LogStreamInfo> page = streams.subList(0, limit);
                LogStreamInfo last = page.getLast();
                return new Page<>(page, Optional.of(new StreamPosition(last.lastEventTimestamp(), last.name()).token()));
            }
        });
    }

    Page<LogEvent> events(EventQuery query) {
        EventCursor from = max(query.nextToken().map(t -> EventCursor.parse(t, "n")).orElse(EventCursor.BEFORE_ALL),
                new EventCursor(query.startTime(), Long.MIN_VALUE));
        return locked("reading events of " + query.logGroup(), () -> {
            long groupId = groupId(query.logGroup());
            Optional<List<Long>> streamIds = streamIds(groupId, query);
            if (streamIds.isPresent() && streamIds.get().isEmpty()) {
                return new Page<>(List.of(), Optional.empty());
            }
            String streamClause = streamIds.map(ids -> " AND e.stream_id IN (" + String.join(",", Collections.nCopies(ids.size(), "?")) + ")")
                    .orElse("");
            String sql = "SELECT e.id, e.timestamp, e.ingestion_time, e.message, s.name FROM log_event e"
                    + " JOIN log_stream s ON s.id = e.stream_id"
                    + " WHERE e.group_id = ? AND (e.timestamp, e.id) > (?, ?) AND e.timestamp < ?" + streamClause
                    + " ORDER BY e.timestamp, e.id LIMIT ?";
            List<LogEvent> found = new ArrayList<>();
            EventCursor cursor = from;
            long bytes = 0;
            int scanned = 0;
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                while (true) {
                    int p = 1;
                    select.setLong(p++, groupId);
                    select.setLong(p++, cursor.timestamp());
                    select.setLong(p++, cursor.id());
                    select.setLong(p++, query.endTime());
                    for (long id : streamIds.orElse(List.of())) {
                        select.setLong(p++, id);
                    }
                    select.setInt(p, CHUNK);
                    int read = 0;
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            read++;
                            scanned++;
                            LogEvent event = new LogEvent(query.logGroup(), rows.getString(5), rows.getLong(2), rows.getString(4),
                                    rows.getLong(3), Long.toString(rows.getLong(1)));
                            cursor = EventCursor.of(event);
                            if (query.filter().matches(event.message())) {
                                found.add(event);
                                bytes += event.message().length();
                                if (found.size() >= query.limit() || bytes >= MAX_PAGE_BYTES) {
                                    return new Page<>(found, Optional.of(cursor.token("n")));
                                }
                            }
                        }
                    }
                    if (read < CHUNK) {
                        return new Page<>(found, Optional.empty());
                    }
                    if (scanned >= SqliteLogStore.SCAN_BUDGET) {
                        return new Page<>(found, Optional.of(cursor.token("n")));
                    }
                }
            }
        });
    }

    StreamEvents streamEvents(String logGroup, String logStream, long startTime, long endTime, int limit, boolean startFromHead,
            Optional<String> token) {
        boolean forward = token.map(t -> t.startsWith("f/")).orElse(startFromHead);
        EventCursor given = token.map(t -> EventCursor.parse(t, forward ? "f" : "b"))
                .orElse(forward ? EventCursor.BEFORE_ALL : EventCursor.AFTER_ALL);
        EventCursor from = forward ? max(given, new EventCursor(startTime, Long.MIN_VALUE))
                : min(given, new EventCursor(endTime, Long.MIN_VALUE));
        return locked("reading stream " + logStream + " of " + logGroup, () -> {
            long groupId = groupId(logGroup);
            long streamId;
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM log_stream WHERE group_id = ? AND name = ?")) {
                select.setLong(1, groupId);
                select.setString(2, logStream);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw LogsErrors.streamNotFound();
                    }
                    streamId = rows.getLong(1);
                }
            }
            String sql = forward
                    ? "SELECT id, timestamp, ingestion_time, message FROM log_event WHERE stream_id = ? AND (timestamp, id) > (?, ?)"
                            + " AND timestamp < ? ORDER BY timestamp, id LIMIT ?"
                    : "SELECT id, timestamp, ingestion_time, message FROM log_event WHERE stream_id = ? AND (timestamp, id) < (?, ?)"
                            + " AND timestamp >= ? ORDER BY timestamp DESC, id DESC LIMIT ?";
            List<LogEvent> events = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setLong(1, streamId);
                select.setLong(2, from.timestamp());
                select.setLong(3, from.id());
                select.setLong(4, forward ? endTime : startTime);
                select.setInt(5, limit);
                long bytes = 0;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next() && bytes < MAX_PAGE_BYTES) {
                        LogEvent event = new LogEvent(logGroup, logStream, rows.getLong(2), rows.getString(4), rows.getLong(3),
                                Long.toString(rows.getLong(1)));
                        events.add(event);
                        bytes += event.message().length();
                    }
                }
            }
            if (!forward) {
                Collections.reverse(events);
            }
            if (events.isEmpty()) {
                return new StreamEvents(events, from.token("f"), from.token("b"));
            }
            return new StreamEvents(events, EventCursor.of(events.getLast()).token("f"), EventCursor.of(events.getFirst()).token("b"));
        });
    }

    private Optional<List<Long>> streamIds(long groupId, EventQuery query) throws SQLException {
        if (query.logStreams().isEmpty() && query.logStreamNamePrefix().isEmpty()) {
            return Optional.empty();
        }
        List<Long> ids = new ArrayList<>();
        String prefix = query.logStreamNamePrefix().orElse("");
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, name FROM log_stream WHERE group_id = ? AND substr(name, 1, ?) = ?")) {
            select.setLong(1, groupId);
            select.setInt(2, prefix.length());
            select.setString(3, prefix);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (query.logStreams().isEmpty() || query.logStreams().contains(rows.getString(2))) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
        }
        return Optional.of(ids);
    }

    private long groupId(String logGroup) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM log_group WHERE name = ?")) {
            select.setString(1, logGroup);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw LogsErrors.groupNotFound();
                }
                return rows.getLong(1);
            }
        }
    }

    private static LogGroupInfo group(ResultSet rows) throws SQLException {
        return new LogGroupInfo(rows.getString(1), rows.getLong(2), rows.getLong(3));
    }

    private static EventCursor max(EventCursor a, EventCursor b) {
        return compare(a, b) >= 0 ? a : b;
    }

    private static EventCursor min(EventCursor a, EventCursor b) {
        return compare(a, b) <= 0 ? a : b;
    }

    private static int compare(EventCursor a, EventCursor b) {
        int byTime = Long.compare(a.timestamp(), b.timestamp());
        return byTime != 0 ? byTime : Long.compare(a.id(), b.id());
    }

    private static String encodeText(String kind, String text) {
        return kind + "/" + Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeText(String token, String kind) {
        if (!token.startsWith(kind + "/")) {
            throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token.substring(kind.length() + 1)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
        }
    }

    /** Where a stream listing stopped: the last stream's last event time and name. */
    private record StreamPosition(long lastEventTime, String name) {
        String token() {
            return encodeText("s", lastEventTime + "/" + name);
        }

        static StreamPosition parse(String token) {
            String text = decodeText(token, "s");
            int slash = text.indexOf('/');
            try {
                return new StreamPosition(Long.parseLong(text.substring(0, slash)), text.substring(slash + 1));
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
            }
        }
    }

    @Override
    public void close() throws SQLException {
        lock.lock();
        try {
            connection.close();
        } finally {
            lock.unlock();
        }
    }
}
