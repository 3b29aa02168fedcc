package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.EventQueueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The queue's database file: creates it, migrates its schema, and opens connections to it with the
 * queue's settings (WAL journal, the configured {@code synchronous}, a busy timeout). Immutable once
 * prepared; connections it opens belong to the caller.
 */
final class SqliteDatabase {
    /** The classpath folder of the queue's Flyway migrations. */
    static final String MIGRATIONS = "classpath:dev/hearth/queue/sqlite/migration";
    /** Flyway's history table, named for the queue so the file could be shared with other schemas. */
    static final String HISTORY_TABLE = "queue_schema_history";

    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final SqliteQueueConfig config;
    private final String url;

    private SqliteDatabase(SqliteQueueConfig config) {
        this.config = config;
        this.url = "jdbc:sqlite:" + config.databaseFile().toAbsolutePath();
    }

    /**
     * Creates the file's directory when missing and applies pending migrations.
     *
     * @throws EventQueueException if the directory cannot be created or a migration fails
     */
    static SqliteDatabase prepare(SqliteQueueConfig config) {
        Path parent = config.databaseFile().toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new EventQueueException("cannot create the queue's directory " + parent, e);
        }
        SqliteDatabase database = new SqliteDatabase(config);
        database.migrate();
        return database;
    }

    /** A connection for the single writer: transactions take the write lock when they begin. */
    Connection connectForWriting() {
        SQLiteConfig settings = settings();
        settings.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return connect(settings);
    }

    /** A connection for reads, refusing writes; its transactions take no lock until they read. */
    Connection connectForReading() {
        SQLiteConfig settings = settings();
        settings.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        Connection connection = connect(settings);
        try {
            try (var statement = connection.createStatement()) {
                statement.execute("PRAGMA query_only = true");
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw new EventQueueException("cannot prepare a read connection to " + config.databaseFile(), e);
        }
    }

    private void migrate() {
        SQLiteDataSource dataSource = new SQLiteDataSource(settings());
        dataSource.setUrl(url);
        try {
            Flyway.configure(SqliteDatabase.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .table(HISTORY_TABLE)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new EventQueueException("cannot migrate the queue's database " + config.databaseFile(), e);
        }
    }

    private SQLiteConfig settings() {
        SQLiteConfig settings = new SQLiteConfig();
        settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
        settings.setSynchronous(switch (config.synchronous()) {
            case FULL -> SQLiteConfig.SynchronousMode.FULL;
            case NORMAL -> SQLiteConfig.SynchronousMode.NORMAL;
        });
        settings.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return settings;
    }

    private Connection connect(SQLiteConfig settings) {
        try {
            return settings.createConnection(url);
        } catch (SQLException e) {
            throw new EventQueueException("cannot open the queue's database " + config.databaseFile(), e);
        }
    }
}
