package dev.hearth.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestLogStoreBatching {
    private static final String GROUP = "/aws/lambda/f";
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void concurrentAppendsAreAllStoredInOrderPerStream() throws Exception {
        int threads = 16;
        int linesPerThread = 1_000;
        // a small buffer and small batches: producers outrun the writer and wait for room
        LogStoreSettings settings = LogStoreSettings.DEFAULTS.withBuffer(256, 64, Duration.ofSeconds(30));
        try (SqliteLogStore store = SqliteLogStore.open(dir.resolve("logs.db"), settings, InstantSource.system(), Optional.empty());
                ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String stream = "2026/11/22/[$LATEST]" + t;
                producers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < linesPerThread; i++) {
                        // several lines share a millisecond: their order is the append order
                        store.append(GROUP, stream, T0.plusMillis(i / 10), "line " + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> producer : producers) {
                producer.get();
            }
            store.flush();

            assertThat(store.droppedLines()).isZero();
            List<LogEvent> all = new ArrayList<>();
            Optional<String> token = Optional.empty();
            do {
                Page<LogEvent> page = store.events(EventQuery.all(GROUP, 10_000).withNextToken(token));
                all.addAll(page.items());
                token = page.nextToken();
            } while (token.isPresent());
            assertThat(all).hasSize(threads * linesPerThread);
            assertThat(all).extracting(LogEvent::eventId).doesNotHaveDuplicates();
            Map<String, List<String>> byStream = all.stream()
                    .collect(Collectors.groupingBy(LogEvent::logStream, Collectors.mapping(LogEvent::message, Collectors.toList())));
            assertThat(byStream).hasSize(threads);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < linesPerThread; i++) {
                expected.add("line " + i);
            }
            byStream.forEach((stream, messages) -> assertThat(messages).as(stream).containsExactlyElementsOf(expected));
            // and GetLogEvents' per-stream read agrees
            StreamEvents head = store.streamEvents(GROUP, "2026/11/22/[$LATEST]3", Long.MIN_VALUE, Long.MAX_VALUE, 5, true, Optional.empty());
            assertThat(head.events()).extracting(LogEvent::message).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4");
        }
    }

    @Test
    void linesThatFindTheBufferFullAreCountedAsDroppedNotLostSilently() throws Exception {
        Path file = dir.resolve("blocked.db");
        LogStoreSettings settings = LogStoreSettings.DEFAULTS.withBuffer(4, 4, Duration.ZERO);
        try (SqliteLogStore store = SqliteLogStore.open(file, settings, InstantSource.system(), Optional.empty());
                Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            store.append(GROUP, "s", T0, "warm up");
            store.flush();
            try (Statement statement = blocker.createStatement()) {
                // another writer holds the database: the store's writer thread waits on its busy timeout
                statement.execute("BEGIN IMMEDIATE");
                store.append(GROUP, "s", T0, "taken by the writer");
                await().atMost(Duration.ofSeconds(60)).until(() -> store.bufferedLines() == 0);
                int appended = 20;
                for (int i = 0; i < appended; i++) {
                    store.append(GROUP, "s", T0, "burst " + i);
                }
                assertThat(store.droppedLines()).isEqualTo(appended - settings.bufferCapacity());
                statement.execute("ROLLBACK");
            }
            store.flush();
            long stored = store.events(EventQuery.all(GROUP, 100)).items().size();
            assertThat(stored + store.droppedLines()).isEqualTo(2 + 20);
            assertThat(store.failedLines()).isZero();

            store.close();
            store.append(GROUP, "s", T0, "after close");
            assertThat(store.droppedLines()).isEqualTo(20 - 4 + 1);
        }
    }
}
