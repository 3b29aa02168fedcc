package dev.hearth.async;

import dev.hearth.controlplane.FunctionChangeListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Event invoke configs, kept durably in their own SQLite file and in memory for the pollers, which
 * read the config of every event they run.
 *
 * <p>A change returns once committed (WAL, {@code synchronous=FULL}). Deleting a function deletes
 * its configs ({@link #functionChanged}).
 *
 * <p>Threading: thread-safe; reads never touch the file, writes are serialised.
 *
 * <p>Failure: a failing write throws {@link IllegalStateException} and leaves the in-memory copy
 * unchanged.
 */
public final class EventInvokeConfigStore implements FunctionChangeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventInvokeConfigStore.class);
    private static final String MIGRATIONS = "classpath:dev/hearth/async/migration";
    private static final String HISTORY_TABLE = "async_schema_history";
    private static final Pattern VERSION_NUMBER = Pattern.compile("\\d+");

    /**
     * The order of a function's configs in listings: {@code $LATEST}, then versions by number, then
     * aliases by name. Total over all strings (a list marker may be any string).
     */
    static final Comparator<String> QUALIFIER_ORDER = Comparator.<String>comparingInt(EventInvokeConfigStore::rank)
            .thenComparingInt(q -> rank(q) == 1 ? q.length() : 0)
            .thenComparing(Comparator.naturalOrder());

    private final Path file;
    private final Connection connection;
    private final Map<Key, EventInvokeConfig> configs = new ConcurrentHashMap<>();

    private EventInvokeConfigStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating and migrating if needed) the configs' database file and loads every config. */
    public static EventInvokeConfigStore open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + file, e);
        }
        SQLiteConfig settings = new SQLiteConfig();
        settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
        settings.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        settings.setBusyTimeout(10_000);
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SQLiteDataSource dataSource = new SQLiteDataSource(settings);
        dataSource.setUrl(url);
        try {
            Flyway.configure(EventInvokeConfigStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .table(HISTORY_TABLE)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new IllegalStateException("cannot migrate the event invoke config database " + file, e);
        }
        try {
            EventInvokeConfigStore store = new EventInvokeConfigStore(file, settings.createConnection(url));
            store.load();
            return store;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the event invoke config database " + file, e);
        }
    }

    /** The config of a function qualifier, if one was put. */
    public Optional<EventInvokeConfig> find(String functionName, String qualifier) {
        return Optional.ofNullable(configs.get(new Key(functionName, qualifier)));
    }

    /** The config that applies to events of a qualifier: the one put, or Lambda's defaults. */
    public EventInvokeConfig effective(String functionName, String qualifier) {
        return find(functionName, qualifier).orElseGet(() -> EventInvokeConfig.defaults(functionName, qualifier));
    }

    /** Every config of a function, in {@link #QUALIFIER_ORDER}. */
    public List<EventInvokeConfig> list(String functionName) {
        return configs.values().stream()
                .filter(c -> c.functionName().equals(functionName))
                .sorted(Comparator.comparing(EventInvokeConfig::qualifier, QUALIFIER_ORDER))
                .toList();
    }

    /** Stores a config, replacing the qualifier's previous one. */
    public synchronized void put(EventInvokeConfig config) {
        String sql = """
                INSERT INTO event_invoke_config (function_name, qualifier, maximum_retry_attempts,
                        maximum_event_age_seconds, on_success, on_failure, last_modified)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (function_name, qualifier) DO UPDATE SET
                        maximum_retry_attempts = excluded.maximum_retry_attempts,
                        maximum_event_age_seconds = excluded.maximum_event_age_seconds,
                        on_success = excluded.on_success, on_failure = excluded.on_failure,
                        last_modified = excluded.last_modified""";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, config.functionName());
            insert.setString(2, config.qualifier());
            setInt(insert, 3, config.maximumRetryAttempts());
            setInt(insert, 4, config.maximumEventAgeInSeconds());
            insert.setString(5, config.onSuccess().orElse(null));
            insert.setString(6, config.onFailure().orElse(null));
            insert.setLong(7, ChronoUnit.MICROS.between(Instant.EPOCH, config.lastModified()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the event invoke config of " + config.functionName() + ":"
                    + config.qualifier() + " in " + file + ": " + e.getMessage(), e);
        }
        configs.put(new Key(config.functionName(), config.qualifier()), config);
    }

    /** Deletes a qualifier's config; returns whether there was one. */
    public synchronized boolean delete(String functionName, String qualifier) {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM event_invoke_config WHERE function_name = ? AND qualifier = ?")) {
            delete.setString(1, functionName);
            delete.setString(2, qualifier);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the event invoke config of " + functionName + ":" + qualifier
                    + " from " + file + ": " + e.getMessage(), e);
        }
        return configs.remove(new Key(functionName, qualifier)) != null;
    }

    /** Deletes every config of a function; returns how many there were. */
    public synchronized int deleteFunction(String functionName) {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM event_invoke_config WHERE function_name = ?")) {
            delete.setString(1, functionName);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the event invoke configs of " + functionName + " from "
                    + file + ": " + e.getMessage(), e);
        }
        int before = configs.size();
        configs.keySet().removeIf(k -> k.functionName().equals(functionName));
        return before - configs.size();
    }

    /** A deleted function loses its configs; a failure is logged, as listeners must not throw. */
    @Override
    public void functionChanged(String functionName, boolean deleted) {
        if (!deleted) {
            return;
        }
        try {
            int removed = deleteFunction(functionName);
            if (removed > 0) {
                LOG.info("Deleted {} event invoke config(s) of the deleted function {}", removed, functionName);
            }
        } catch (RuntimeException e) {
            LOG.error("Could not delete the event invoke configs of the deleted function {}", functionName, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the event invoke config database " + file, e);
        }
    }

    private void load() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT function_name, qualifier,"
                + " maximum_retry_attempts, maximum_event_age_seconds, on_success, on_failure, last_modified"
                + " FROM event_invoke_config");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                EventInvokeConfig config = new EventInvokeConfig(rows.getString(1), rows.getString(2),
                        getInt(rows, 3), getInt(rows, 4), Optional.ofNullable(rows.getString(5)),
                        Optional.ofNullable(rows.getString(6)), Instant.EPOCH.plus(rows.getLong(7), ChronoUnit.MICROS));
                configs.put(new Key(config.functionName(), config.qualifier()), config);
            }
        }
    }

    private static void setInt(PreparedStatement statement, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            statement.setInt(index, value.get());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    private static Optional<Integer> getInt(ResultSet rows, int index) throws SQLException {
        int value = rows.getInt(index);
        return rows.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** 0 for {@code $LATEST}, 1 for a version number, 2 for an alias name. */
    private static int rank(String qualifier) {
        if (qualifier.equals("$LATEST")) {
            return 0;
        }
        return VERSION_NUMBER.matcher(qualifier).matches() ? 1 : 2;
    }

    private record Key(String functionName, String qualifier) {}
}
