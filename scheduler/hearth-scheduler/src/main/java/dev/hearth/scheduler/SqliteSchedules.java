package dev.hearth.scheduler;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.http.AwsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The schedule groups and schedules of one account in one region, in their own SQLite database
 * (WAL, {@code synchronous=FULL}: a change is on disk when its call returns). One connection used
 * under a lock, one transaction per call.
 *
 * <p>Threading: thread-safe. Failure: a database failure is an {@link IllegalStateException}.
 */
final class SqliteSchedules implements AutoCloseable {
    static final String MIGRATIONS = "classpath:dev/hearth/scheduler/migration";
    static final String DEFAULT_GROUP = "default";
    private static final ObjectMapper PLAIN = JsonMapper.builder().build();
    private static final String COLUMNS = "id, group_name, name, spec, created_ms, modified_ms, revision, client_token,"
            + " next_fire_ms, due_ms, attempts";

    /** A stored schedule with the engine's state of its next fire. */
    record Row(long id, String group, String name, ScheduleSpec spec, long createdMs, long modifiedMs, long revision,
            String clientToken, Long nextFireMs, Long dueMs, int attempts) {}

    /** A stored schedule group. */
    record Group(String name, long createdMs, long modifiedMs, String clientToken, Map<String, String> tags) {}

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteSchedules(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating and migrating) {@code file}, with the {@code default} group created at {@code nowMs} if absent. */
    static SqliteSchedules open(Path file, long nowMs) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            SQLiteConfig settings = new SQLiteConfig();
            settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
            settings.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            settings.setBusyTimeout(10_000);
            settings.enforceForeignKeys(true);
            String url = "jdbc:sqlite:" + file.toAbsolutePath();
            SQLiteDataSource dataSource = new SQLiteDataSource(settings);
            dataSource.setUrl(url);
            Flyway.configure(SqliteSchedules.class.getClassLoader()).dataSource(dataSource).locations(MIGRATIONS)
                    .table("scheduler_schema_history").failOnMissingLocations(true).load().migrate();
            Connection connection = settings.createConnection(url);
            connection.setAutoCommit(false);
            SqliteSchedules schedules = new SqliteSchedules(connection);
            if (schedules.group(DEFAULT_GROUP).isEmpty()) {
                schedules.createGroup(DEFAULT_GROUP, nowMs, null, Map.of());
            }
            return schedules;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + file, e);
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("cannot open the schedules' database " + file + ": " + e.getMessage(), e);
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        lock.lock();
        try {
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the schedules' database failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    // ---- groups

    /** Inserts a group; false when one of that name exists. */
    boolean createGroup(String name, long nowMs, String clientToken, Map<String, String> tags) {
        return inTransaction(() -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO schedule_group (name, created_ms,"
                    + " modified_ms, client_token, tags) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setLong(2, nowMs);
                insert.setLong(3, nowMs);
                insert.setString(4, clientToken);
                insert.setString(5, json(tags));
                return insert.executeUpdate() == 1;
            }
        });
    }

    Optional<Group> group(String name) {
        return inTransaction(() -> {
            List<Group> found = groups("SELECT * FROM schedule_group WHERE name = ?", name);
            return found.stream().findFirst();
        });
    }

    /** Groups whose names start with {@code prefix} and sort after {@code after}, by name, at most {@code limit}. */
    List<Group> groups(String prefix, String after, int limit) {
        return inTransaction(() -> groups("SELECT * FROM schedule_group WHERE substr(name, 1, length(?1)) = ?1 AND name > ?2"
                + " ORDER BY name LIMIT " + limit, prefix, after));
    }

    private List<Group> groups(String sql, String... parameters) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<Group> groups = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    groups.add(new Group(rows.getString("name"), rows.getLong("created_ms"), rows.getLong("modified_ms"),
                            rows.getString("client_token"), tags(rows.getString("tags"))));
                }
            }
            return groups;
        }
    }

    /** Deletes a group and its schedules; false when there was none. */
    boolean deleteGroup(String name) {
        return inTransaction(() -> {
            try (PreparedStatement schedules = connection.prepareStatement("DELETE FROM schedule WHERE group_name = ?");
                    PreparedStatement group = connection.prepareStatement("DELETE FROM schedule_group WHERE name = ?")) {
                schedules.setString(1, name);
                schedules.executeUpdate();
                group.setString(1, name);
                return group.executeUpdate() == 1;
            }
        });
    }

    /** Replaces a group's tags; false when there is no such group. */
    boolean setGroupTags(String name, Map<String, String> tags, long nowMs) {
        return inTransaction(() -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE schedule_group SET tags = ?, modified_ms = ? WHERE name = ?")) {
                update.setString(1, json(tags));
                update.setLong(2, nowMs);
                update.setString(3, name);
                return update.executeUpdate() == 1;
            }
        });
    }

    // ---- schedules

    /** Inserts a schedule (id and revision are assigned); false when one of that name exists in its group. */
    boolean insert(Row row) {
        return inTransaction(() -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO schedule (group_name, name, spec,"
                    + " created_ms, modified_ms, revision, client_token, next_fire_ms, due_ms, attempts)"
                    + " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, 0) ON CONFLICT (group_name, name) DO NOTHING")) {
                insert.setString(1, row.group());
                insert.setString(2, row.name());
                insert.setString(3, new String(AwsJson.write(row.spec()), StandardCharsets.UTF_8));
                insert.setLong(4, row.createdMs());
                insert.setLong(5, row.modifiedMs());
                insert.setString(6, row.clientToken());
                setLong(insert, 7, row.nextFireMs());
                setLong(insert, 8, row.dueMs());
                return insert.executeUpdate() == 1;
            }
        });
    }

    Optional<Row> find(String group, String name) {
        return inTransaction(() -> select("SELECT " + COLUMNS + " FROM schedule WHERE group_name = ? AND name = ?",
                group, name).stream().findFirst());
    }

    /** Replaces a schedule's spec and next fire (a new revision, attempts reset); false when it is gone. */
    boolean replace(long id, ScheduleSpec spec, long modifiedMs, Long nextFireMs, Long dueMs) {
        return inTransaction(() -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE schedule SET spec = ?, modified_ms = ?,"
                    + " revision = revision + 1, next_fire_ms = ?, due_ms = ?, attempts = 0 WHERE id = ?")) {
                update.setString(1, new String(AwsJson.write(spec), StandardCharsets.UTF_8));
                update.setLong(2, modifiedMs);
                setLong(update, 3, nextFireMs);
                setLong(update, 4, dueMs);
                update.setLong(5, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    boolean delete(String group, String name) {
        return inTransaction(() -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM schedule WHERE group_name = ? AND name = ?")) {
                delete.setString(1, group);
                delete.setString(2, name);
                return delete.executeUpdate() == 1;
            }
        });
    }

    /**
     * Schedules by (group, name) after {@code afterKey} ({@code group/name}, or empty), at most {@code
     * limit}; null filters match everything.
     */
    List<Row> list(String group, String namePrefix, String state, String afterKey, int limit) {
        return inTransaction(() -> {
            List<Row> rows = select("SELECT " + COLUMNS + " FROM schedule WHERE (?1 IS NULL OR group_name = ?1)"
                    + " AND (?2 IS NULL OR substr(name, 1, length(?2)) = ?2) AND group_name || '/' || name > ?3"
                    + " ORDER BY group_name, name", group, namePrefix, afterKey);
            return rows.stream().filter(row -> state == null || state.equals(row.spec().state())).limit(limit).toList();
        });
    }

    /** Schedules whose next attempt is due at {@code nowMs}, earliest first, at most {@code limit}. */
    List<Row> due(long nowMs, int limit) {
        return inTransaction(() -> select("SELECT " + COLUMNS + " FROM schedule WHERE due_ms IS NOT NULL AND due_ms <= "
                + nowMs + " ORDER BY due_ms LIMIT " + limit));
    }

    /**
     * Records the engine's progress on a schedule it read at {@code revision}: the next fire and when
     * to try it, and the failed attempts so far; false (nothing written) when the schedule was changed
     * or deleted meanwhile.
     */
    boolean advance(long id, long revision, Long nextFireMs, Long dueMs, int attempts) {
        return inTransaction(() -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE schedule SET next_fire_ms = ?, due_ms = ?,"
                    + " attempts = ? WHERE id = ? AND revision = ?")) {
                setLong(update, 1, nextFireMs);
                setLong(update, 2, dueMs);
                update.setInt(3, attempts);
                update.setLong(4, id);
                update.setLong(5, revision);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Deletes a completed schedule the engine read at {@code revision}, unless it was changed meanwhile. */
    boolean deleteCompleted(long id, long revision) {
        return inTransaction(() -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM schedule WHERE id = ? AND revision = ?")) {
                delete.setLong(1, id);
                delete.setLong(2, revision);
                return delete.executeUpdate() == 1;
            }
        });
    }

    private List<Row> select(String sql, String... parameters) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<Row> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new Row(rows.getLong(1), rows.getString(2), rows.getString(3),
                            AwsJson.read(rows.getString(4).getBytes(StandardCharsets.UTF_8), ScheduleSpec.class),
                            rows.getLong(5), rows.getLong(6), rows.getLong(7), rows.getString(8), nullableLong(rows, 9),
                            nullableLong(rows, 10), rows.getInt(11)));
                }
            }
            return found;
        }
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, value);
        }
    }

    private static String json(Map<String, String> tags) {
        try {
            return PLAIN.writeValueAsString(tags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> tags(String json) {
        try {
            return PLAIN.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the schedules' database: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
