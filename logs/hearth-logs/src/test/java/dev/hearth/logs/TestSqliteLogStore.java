package dev.hearth.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestSqliteLogStore {
    private static final String GROUP = "/aws/lambda/f";
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final List<SqliteLogStore> opened = new ArrayList<>();

    private SqliteLogStore open(LogStoreSettings settings) {
        SqliteLogStore store = SqliteLogStore.open(dir.resolve("logs.db"), settings, clock, Optional.empty());
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(SqliteLogStore::close);
    }

    @Test
    void roundTripKeepsGroupsStreamsAndEvents() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        store.append(GROUP, "s1", T0.plusMillis(5), "START RequestId: 1");
        clock.advance(Duration.ofMillis(10));
        store.append(GROUP, "s1", T0.plusMillis(7), "hello é");
        store.append(GROUP, "s2", T0.plusMillis(6), "other stream");
        store.append("/aws/lambda/g", "s1", T0, "another group");
        store.flush();

        Page<LogEvent> events = store.events(EventQuery.all(GROUP, 100));
        assertThat(events.nextToken()).isEmpty();
        assertThat(events.items()).extracting(LogEvent::logStream, LogEvent::timestamp, LogEvent::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("s1", T0.toEpochMilli() + 5, "START RequestId: 1"),
                org.assertj.core.groups.Tuple.tuple("s2", T0.toEpochMilli() + 6, "other stream"),
                org.assertj.core.groups.Tuple.tuple("s1", T0.toEpochMilli() + 7, "hello é"));
        assertThat(events.items().getFirst().ingestionTime()).isEqualTo(T0.toEpochMilli());
        assertThat(events.items().getLast().ingestionTime()).isEqualTo(T0.toEpochMilli() + 10);
        assertThat(events.items()).extracting(LogEvent::eventId).doesNotHaveDuplicates();

        LogGroupInfo group = store.logGroup(GROUP).orElseThrow();
        assertThat(group.creationTime()).isEqualTo(T0.toEpochMilli());
        assertThat(group.storedBytes()).isEqualTo("START RequestId: 1".length() + "hello é".getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + "other stream".length());

        LogStreamInfo s1 = store.logStreams(GROUP, Optional.empty(), LogStreamOrder.LogStreamName, false, 50, Optional.empty())
                .items().getFirst();
        assertThat(s1).isEqualTo(new LogStreamInfo(GROUP, "s1", T0.toEpochMilli(), T0.toEpochMilli() + 5, T0.toEpochMilli() + 7,
                T0.toEpochMilli() + 10));
        assertThat(store.logGroups(Optional.empty(), 50, Optional.empty()).items()).extracting(LogGroupInfo::name)
                .containsExactly(GROUP, "/aws/lambda/g");
    }

    @Test
    void unknownGroupAndStreamAreResourceNotFound() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        store.append(GROUP, "s1", T0, "x");
        store.flush();
        assertThatThrownBy(() -> store.events(EventQuery.all("/aws/lambda/nope", 10)))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException))
                .hasMessage("The specified log group does not exist.");
        assertThatThrownBy(() -> store.streamEvents(GROUP, "nope", Long.MIN_VALUE, Long.MAX_VALUE, 10, true, Optional.empty()))
                .hasMessage("The specified log stream does not exist.");
        assertThatThrownBy(() -> store.events(EventQuery.all(GROUP, 10).withNextToken(Optional.of("garbage"))))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(dev.hearth.core.LambdaErrorType.InvalidParameterException));
    }

    @Test
    void eventsPaginateInTimestampThenAppendOrder() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        for (int i = 0; i < 25; i++) {
            store.append(GROUP, "s" + (i % 3), T0.plusMillis(i / 2), "line " + i);
        }
        store.flush();
        List<String> seen = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            Page<LogEvent> page = store.events(EventQuery.all(GROUP, 4).withNextToken(token));
            page.items().forEach(e -> seen.add(e.message()));
            token = page.nextToken();
            token.ifPresent(t -> assertThat(tokens.add(t)).as("tokens never repeat").isTrue());
            pages++;
        } while (token.isPresent());
        assertThat(pages).isEqualTo(7);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            expected.add("line " + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void eventsFilterByTimeRangeStreamsAndPattern() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        store.append(GROUP, "a", T0.plusMillis(1), "START RequestId: 1");
        store.append(GROUP, "a", T0.plusMillis(2), "ERROR boom");
        store.append(GROUP, "b", T0.plusMillis(3), "ERROR bang");
        store.append(GROUP, "b", T0.plusMillis(4), "END RequestId: 1");
        store.flush();
        long t = T0.toEpochMilli();
        assertThat(messages(store.events(EventQuery.all(GROUP, 10).withTimeRange(t + 2, t + 4)))).containsExactly("ERROR boom", "ERROR bang");
        assertThat(messages(store.events(EventQuery.all(GROUP, 10).withStreams(List.of("b"))))).containsExactly("ERROR bang", "END RequestId: 1");
        assertThat(messages(store.events(EventQuery.all(GROUP, 10).withFilter(FilterPattern.parse("ERROR -bang")))))
                .containsExactly("ERROR boom");
        assertThat(messages(store.events(EventQuery.all(GROUP, 10).withFilter(FilterPattern.parse("RequestId")))))
                .containsExactly("START RequestId: 1", "END RequestId: 1");
        assertThat(messages(store.events(new EventQuery(GROUP, List.of(), Optional.of("a"), Long.MIN_VALUE, Long.MAX_VALUE,
                FilterPattern.ALL, 10, Optional.empty())))).containsExactly("START RequestId: 1", "ERROR boom");
        assertThat(store.events(EventQuery.all(GROUP, 10).withStreams(List.of("missing"))).items()).isEmpty();
    }

    @Test
    void sparseFilterScansInBoundedStepsWithTokens() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        int total = SqliteLogStore.SCAN_BUDGET + 600;
        for (int i = 0; i < total; i++) {
            store.append(GROUP, "s", T0.plusMillis(i), i == total - 1 ? "needle" : "hay " + i);
        }
        store.flush();
        EventQuery query = EventQuery.all(GROUP, 10).withFilter(FilterPattern.parse("needle"));
        Page<LogEvent> first = store.events(query);
        assertThat(first.items()).isEmpty();
        assertThat(first.nextToken()).isPresent();
        Page<LogEvent> second = store.events(query.withNextToken(first.nextToken()));
        assertThat(messages(second)).containsExactly("needle");
        assertThat(second.nextToken()).isEmpty();
    }

    @Test
    void streamEventsReadFromTailOrHeadWithForwardAndBackwardTokens() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        for (int i = 0; i < 10; i++) {
            store.append(GROUP, "s", T0.plusMillis(i), "e" + i);
        }
        store.flush();
        StreamEvents tail = store.streamEvents(GROUP, "s", Long.MIN_VALUE, Long.MAX_VALUE, 3, false, Optional.empty());
        assertThat(tail.events()).extracting(LogEvent::message).containsExactly("e7", "e8", "e9");
        StreamEvents before = store.streamEvents(GROUP, "s", Long.MIN_VALUE, Long.MAX_VALUE, 3, false, Optional.of(tail.nextBackwardToken()));
        assertThat(before.events()).extracting(LogEvent::message).containsExactly("e4", "e5", "e6");
        StreamEvents end = store.streamEvents(GROUP, "s", Long.MIN_VALUE, Long.MAX_VALUE, 3, false, Optional.of(tail.nextForwardToken()));
        assertThat(end.events()).isEmpty();
        assertThat(end.nextForwardToken()).as("at the end the same token comes back").isEqualTo(tail.nextForwardToken());

        StreamEvents head = store.streamEvents(GROUP, "s", Long.MIN_VALUE, Long.MAX_VALUE, 4, true, Optional.empty());
        assertThat(head.events()).extracting(LogEvent::message).containsExactly("e0", "e1", "e2", "e3");
        StreamEvents next = store.streamEvents(GROUP, "s", Long.MIN_VALUE, Long.MAX_VALUE, 4, true, Optional.of(head.nextForwardToken()));
        assertThat(next.events()).extracting(LogEvent::message).containsExactly("e4", "e5", "e6", "e7");
        StreamEvents window = store.streamEvents(GROUP, "s", T0.toEpochMilli() + 2, T0.toEpochMilli() + 5, 100, true, Optional.empty());
        assertThat(window.events()).extracting(LogEvent::message).containsExactly("e2", "e3", "e4");
    }

    @Test
    void streamsAndGroupsPaginateInEitherOrder() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS);
        store.append(GROUP, "c", T0.plusMillis(1), "x");
        store.append(GROUP, "a", T0.plusMillis(3), "x");
        store.append(GROUP, "b", T0.plusMillis(2), "x");
        store.append(GROUP, "ab", T0.plusMillis(4), "x");
        for (int i = 0; i < 5; i++) {
            store.append("/aws/lambda/fn" + i, "s", T0, "x");
        }
        store.flush();
        assertThat(allStreams(store, LogStreamOrder.LogStreamName, false)).containsExactly("a", "ab", "b", "c");
        assertThat(allStreams(store, LogStreamOrder.LogStreamName, true)).containsExactly("c", "b", "ab", "a");
        assertThat(allStreams(store, LogStreamOrder.LastEventTime, false)).containsExactly("c", "b", "a", "ab");
        assertThat(allStreams(store, LogStreamOrder.LastEventTime, true)).containsExactly("ab", "a", "b", "c");
        assertThat(store.logStreams(GROUP, Optional.of("a"), LogStreamOrder.LogStreamName, false, 50, Optional.empty()).items())
                .extracting(LogStreamInfo::name).containsExactly("a", "ab");

        Page<LogGroupInfo> first = store.logGroups(Optional.of("/aws/lambda/fn"), 3, Optional.empty());
        Page<LogGroupInfo> second = store.logGroups(Optional.of("/aws/lambda/fn"), 3, first.nextToken());
        assertThat(first.items()).extracting(LogGroupInfo::name).containsExactly("/aws/lambda/fn0", "/aws/lambda/fn1", "/aws/lambda/fn2");
        assertThat(second.items()).extracting(LogGroupInfo::name).containsExactly("/aws/lambda/fn3", "/aws/lambda/fn4");
        assertThat(second.nextToken()).isEmpty();
    }

    @Test
    void retentionDeletesEventsOlderThanTheAgeOnTheClock() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS.withRetentionAge(Duration.ofDays(7)));
        store.append(GROUP, "old", T0, "old 1");
        store.append(GROUP, "mixed", T0, "old 2");
        store.append(GROUP, "mixed", T0.plus(Duration.ofDays(3)), "newer");
        store.flush();
        assertThat(store.enforceRetention()).isEqualTo(new RetentionOutcome(0, 0, 0));

        clock.advance(Duration.ofDays(7).plusMillis(1));
        assertThat(store.enforceRetention()).isEqualTo(new RetentionOutcome(2, 0, 1));
        assertThat(messages(store.events(EventQuery.all(GROUP, 10)))).containsExactly("newer");
        assertThat(allStreams(store, LogStreamOrder.LogStreamName, false)).containsExactly("mixed");
        LogStreamInfo mixed = store.logStreams(GROUP, Optional.empty(), LogStreamOrder.LogStreamName, false, 1, Optional.empty())
                .items().getFirst();
        assertThat(mixed.firstEventTimestamp()).isEqualTo(T0.plus(Duration.ofDays(3)).toEpochMilli());
        assertThat(store.logGroup(GROUP).orElseThrow().storedBytes()).isEqualTo("newer".length());
    }

    @Test
    void retentionCapsTheNumberOfEventsDroppingTheOldestIngested() {
        SqliteLogStore store = open(LogStoreSettings.DEFAULTS.withMaxEvents(5));
        for (int i = 0; i < 8; i++) {
            store.append(GROUP, "s", T0.plusMillis(i), "e" + i);
        }
        RetentionOutcome outcome = store.enforceRetention();
        assertThat(outcome).isEqualTo(new RetentionOutcome(0, 3, 0));
        assertThat(messages(store.events(EventQuery.all(GROUP, 10)))).containsExactly("e3", "e4", "e5", "e6", "e7");
        assertThat(store.logGroup(GROUP).orElseThrow().storedBytes()).isEqualTo(10);

        store.append(GROUP, "s", T0.plusMillis(100), "e8");
        store.flush();
        List<LogEvent> after = store.events(EventQuery.all(GROUP, 10)).items();
        assertThat(Long.parseLong(after.getLast().eventId())).as("ids never go back").isGreaterThan(Long.parseLong(after.get(3).eventId()));
    }

    @Test
    void periodicRetentionRunsOnTheInjectedScheduler() throws Exception {
        try (var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor()) {
            LogStoreSettings settings = new LogStoreSettings(Duration.ofDays(7), 2, Duration.ofMillis(20), 1024, 64, Duration.ofMillis(50));
            SqliteLogStore store = SqliteLogStore.open(dir.resolve("periodic.db"), settings, clock, Optional.of(scheduler));
            opened.add(store);
            for (int i = 0; i < 5; i++) {
                store.append(GROUP, "s", T0.plusMillis(i), "e" + i);
            }
            store.flush();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(messages(store.events(EventQuery.all(GROUP, 10)))).containsExactly("e3", "e4"));
            store.close();
            scheduler.shutdown();
        }
    }

    @Test
    void reopeningFindsEverythingWrittenBeforeClose() {
        SqliteLogStore first = open(LogStoreSettings.DEFAULTS);
        for (int i = 0; i < 100; i++) {
            first.append(GROUP, "s", T0.plusMillis(i), "line " + i);
        }
        first.close();
        assertThatThrownBy(first::flush).isInstanceOf(IllegalStateException.class);

        SqliteLogStore second = open(LogStoreSettings.DEFAULTS);
        List<LogEvent> events = second.events(EventQuery.all(GROUP, 1000)).items();
        assertThat(events).hasSize(100);
        assertThat(events.getLast().message()).isEqualTo("line 99");
        second.append(GROUP, "s", T0.plusMillis(1000), "after restart");
        second.flush();
        List<LogEvent> all = second.events(EventQuery.all(GROUP, 1000)).items();
        assertThat(all).hasSize(101).extracting(LogEvent::eventId).doesNotHaveDuplicates();
        assertThat(second.logStreams(GROUP, Optional.empty(), LogStreamOrder.LogStreamName, false, 50, Optional.empty()).items())
                .singleElement().satisfies(s -> assertThat(s.lastEventTimestamp()).isEqualTo(T0.toEpochMilli() + 1000));
    }

    private static List<String> allStreams(SqliteLogStore store, LogStreamOrder order, boolean descending) {
        List<String> names = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page<LogStreamInfo> page = store.logStreams(GROUP, Optional.empty(), order, descending, 1, token);
            page.items().forEach(s -> names.add(s.name()));
            token = page.nextToken();
        } while (token.isPresent());
        return names;
    }

    private static List<String> messages(Page<LogEvent> page) {
        return page.items().stream().map(LogEvent::message).toList();
    }
}
