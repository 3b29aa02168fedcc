package dev.hearth.queue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.queue.spi.QueuedEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a process with SIGKILL while it enqueues from several threads, then checks that every event
 * it acknowledged (printed after {@code enqueue} returned) is in the database, intact, and that the
 * database is consistent. {@link SqliteSynchronous#NORMAL} is tested too: a process crash (unlike a
 * power loss) must not lose its commits either.
 */
final class TestSqliteEventQueueCrash {
    private static final Pattern EVENT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int ACKNOWLEDGED_BEFORE_KILL = 3_000;

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(SqliteSynchronous.class)
    void everyAcknowledgedEventSurvivesKillMinusNine(SqliteSynchronous synchronous) throws Exception {
        Path file = directory.resolve("queue.db");
        Path childErrors = directory.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"),
                        CrashingEnqueuer.class.getName(), file.toString(), synchronous.name(), "8")
                .redirectError(childErrors.toFile())
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().name("child-stdout").start(() -> readLines(child, lines));
        try {
            await().atMost(Duration.ofSeconds(60))
                    .failFast(() -> assertThat(child.isAlive())
                            .as(() -> "the child died early: " + childErrorsOf(childErrors)).isTrue())
                    .until(() -> lines.size() >= ACKNOWLEDGED_BEFORE_KILL);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(Duration.ofSeconds(30));
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        List<String> acknowledged = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        for (String line : lines) {
            (EVENT_ID.matcher(line).matches() ? acknowledged : malformed).add(line);
        }
        assertThat(malformed).as("only the line cut by the kill may be malformed").hasSizeLessThanOrEqualTo(1);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL).doesNotHaveDuplicates();

        assertThat(integrityCheck(file)).containsExactly("ok");
        try (SqliteEventQueue queue = SqliteEventQueue.open(SqliteQueueConfig.of(file), Clock.systemUTC())) {
            List<String> lost = new ArrayList<>();
            for (String id : acknowledged) {
                Optional<QueuedEvent> event = queue.find(id);
                if (event.isEmpty()) {
                    lost.add(id);
                } else {
                    assertThat(event.get().payload()).as("payload of %s", id).isEqualTo(CrashingEnqueuer.payloadFor(id));
                    assertThat(event.get().functionName()).isEqualTo("crash-test");
                }
            }
            assertThat(lost).as("acknowledged events missing after kill -9").isEmpty();
            assertThat(queue.counts().ready()).isGreaterThanOrEqualTo(acknowledged.size());
        }
    }

    private static void readLines(Process child, List<String> lines) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading the child's output failed", e);
        }
    }

    private static List<String> integrityCheck(Path file) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return result;
    }

    private static String childErrorsOf(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no stderr)";
        } catch (IOException e) {
            return "(cannot read stderr: " + e + ")";
        }
    }
}
