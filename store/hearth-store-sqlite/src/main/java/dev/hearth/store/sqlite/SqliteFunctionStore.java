package dev.hearth.store.sqlite;

import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link FunctionStore} on one SQLite database file in WAL mode with {@code synchronous=FULL}: a
 * committed change survives a process kill and a power loss.
 *
 * <p>Threading: one connection; transactions are serialized by a lock (metadata changes are rare and
 * small; the invoke path reads through the control plane's cache, not from here). Ownership: the
 * store owns its connection and closes it in {@link #close()}. Opening migrates the schema.
 */
public final class SqliteFunctionStore implements FunctionStore {
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteFunctionStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating and migrating if needed) the store in {@code databaseFile}. */
    public static SqliteFunctionStore open(Path databaseFile) {
        try {
            Files.createDirectories(databaseFile.toAbsolutePath().getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(10_000);
            SQLiteDataSource dataSource = new SQLiteDataSource(config);
            dataSource.setUrl("jdbc:sqlite:" + databaseFile.toAbsolutePath());
            Flyway.configure(SqliteFunctionStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/functions")
                    .load()
                    .migrate();
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            return new SqliteFunctionStore(connection);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open the function store at " + databaseFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T transact(TransactionWork<T> work) {
        lock.lock();
        try {
            execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.run(new SqliteStoreTransaction(connection));
                execute("COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    execute("ROLLBACK");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void execute(String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new StoreException("function store: " + sql + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the function store: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
