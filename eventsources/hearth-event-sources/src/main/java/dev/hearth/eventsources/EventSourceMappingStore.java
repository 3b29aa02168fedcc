package dev.hearth.eventsources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A cell's event source mappings, kept durably in their own SQLite file (one JSON document per
 * mapping) and in memory for the API and the pollers.
 *
 * <p>A change returns once committed (WAL, {@code synchronous=FULL}).
 *
 * <p>Threading: thread-safe; reads never touch the file, writes are serialised.
 *
 * <p>Failure: a failing write throws {@link IllegalStateException} and leaves the in-memory copy
 * unchanged.
 */
public final class EventSourceMappingStore implements AutoCloseable {
    private static final String MIGRATIONS = "classpath:dev/hearth/eventsources/migration";
    private static final String HISTORY_TABLE = "event_sources_schema_history";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Connection connection;
    private final Map<String, EventSourceMapping> mappings = new ConcurrentHashMap<>();

    private EventSourceMappingStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating and migrating if needed) the mappings' database file and loads every mapping. */
    public static EventSourceMappingStore open(Path file) {
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
            Flyway.configure(EventSourceMappingStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .table(HISTORY_TABLE)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new IllegalStateException("cannot migrate the event source mapping database " + file, e);
        }
        try {
            EventSourceMappingStore store = new EventSourceMappingStore(file, settings.createConnection(url));
            store.load();
            return store;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the event source mapping database " + file, e);
        }
    }

    public Optional<EventSourceMapping> find(String uuid) {
        return Optional.ofNullable(mappings.get(uuid));
    }

    /** Every mapping, oldest first (then by UUID), the order of ListEventSourceMappings. */
    public List<EventSourceMapping> list() {
        return mappings.values().stream()
                .sorted(Comparator.comparing(EventSourceMapping::lastModified).thenComparing(EventSourceMapping::uuid))
                .toList();
    }

    /** Stores a mapping, replacing the one of its UUID. */
    public synchronized void put(EventSourceMapping mapping) {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO event_source_mapping (uuid, function_name, document) VALUES (?, ?, ?)
                ON CONFLICT (uuid) DO UPDATE SET function_name = excluded.function_name, document = excluded.document""")) {
            insert.setString(1, mapping.uuid());
            insert.setString(2, mapping.functionName());
            insert.setString(3, JSON.writeValueAsString(Document.of(mapping)));
            insert.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot store the event source mapping " + mapping.uuid() + " in " + file + ": "
                    + e.getMessage(), e);
        }
        mappings.put(mapping.uuid(), mapping);
    }

    /** Deletes a mapping; returns whether there was one. */
    public synchronized boolean delete(String uuid) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM event_source_mapping WHERE uuid = ?")) {
            delete.setString(1, uuid);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the event source mapping " + uuid + " from " + file + ": "
                    + e.getMessage(), e);
        }
        return mappings.remove(uuid) != null;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the event source mapping database " + file, e);
        }
    }

    private void load() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT document FROM event_source_mapping");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                EventSourceMapping mapping;
                try {
                    mapping = JSON.readValue(rows.getString(1), Document.class).mapping();
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("an unreadable event source mapping in " + file + ": " + e.getMessage(), e);
                }
                mappings.put(mapping.uuid(), mapping);
            }
        }
    }

    /** The stored form: nullable members instead of optionals, time as epoch milliseconds. */
    private record Document(String uuid, String queueArn, String queueName, String functionName, String qualifier,
            int batchSize, int batchingWindowSeconds, boolean enabled, boolean reportBatchItemFailures,
            Integer maximumConcurrency, String filterCriteria, long lastModifiedMillis) {
        static Document of(EventSourceMapping m) {
            return new Document(m.uuid(), m.queueArn(), m.queueName(), m.functionName(), m.qualifier().orElse(null),
                    m.batchSize(), m.batchingWindowSeconds(), m.enabled(), m.reportBatchItemFailures(),
                    m.maximumConcurrency().orElse(null), m.filterCriteria().orElse(null), m.lastModified().toEpochMilli());
        }

        EventSourceMapping mapping() {
            return new EventSourceMapping(uuid, queueArn, queueName, functionName, Optional.ofNullable(qualifier), batchSize,
                    batchingWindowSeconds, enabled, reportBatchItemFailures, Optional.ofNullable(maximumConcurrency),
                    Optional.ofNullable(filterCriteria), Instant.ofEpochMilli(lastModifiedMillis));
        }
    }
}
