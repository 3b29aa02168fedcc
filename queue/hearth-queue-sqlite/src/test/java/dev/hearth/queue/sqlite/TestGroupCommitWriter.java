package dev.hearth.queue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.queue.spi.EventQueueException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestGroupCommitWriter {
    @TempDir
    Path directory;

    private Path file;
    private GroupCommitWriter writer;

    @BeforeEach
    void open() throws SQLException {
        file = directory.resolve("writer.db");
        try (Connection setup = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = setup.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("CREATE TABLE item (name TEXT PRIMARY KEY)");
        }
        writer = new GroupCommitWriter(DriverManager.getConnection("jdbc:sqlite:" + file), 100, "test-writer");
    }

    @AfterEach
    void close() {
        writer.close();
    }

    private static GroupCommitWriter.Work<Integer> insert(String name) {
        return statements -> {
            PreparedStatement insert = statements.prepare("INSERT INTO item (name) VALUES (?)");
            insert.setString(1, name);
            return insert.executeUpdate();
        };
    }

    private List<String> committedNames() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM item ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    @Test
    void workIsCommittedWhenExecuteReturns() throws SQLException {
        assertThat(writer.executeSingleStatement(insert("a"))).isEqualTo(1);
        assertThat(writer.execute(insert("b"))).isEqualTo(1);
        assertThat(committedNames()).containsExactly("a", "b");
    }

    @Test
    void failedUnitIsRolledBackAloneAndReportedToItsCaller() throws SQLException {
        writer.execute(insert("a"));
        assertThatThrownBy(() -> writer.execute(statements -> {
                    insert("b").run(statements);
                    return insert("a").run(statements);
                }))
                .isInstanceOf(EventQueueException.class)
                .hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("UNIQUE");
        assertThatThrownBy(() -> writer.executeSingleStatement(insert("a"))).isInstanceOf(EventQueueException.class);
        assertThat(writer.execute(insert("c"))).isEqualTo(1);
        assertThat(committedNames()).as("b was undone with its unit").containsExactly("a", "c");
    }

    @Test
    void concurrentCallersAllCommit() throws Exception {
        try (ExecutorService executor = Executors.newFixedThreadPool(16)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String name = "n" + i;
                results.add(executor.submit(() -> writer.executeSingleStatement(insert(name))));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(1);
            }
        }
        assertThat(committedNames()).hasSize(400);
    }

    @Test
    void closedWriterRefusesWork() {
        writer.close();
        assertThatThrownBy(() -> writer.execute(insert("a")))
                .isInstanceOf(EventQueueException.class)
                .hasMessageContaining("closed");
        writer.close();
    }
}
