package dev.hearth.eventsources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.sqs.spi.MessageAttribute;
import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.NewMessage;
import dev.hearth.sqs.spi.QueueSettings;
import dev.hearth.sqs.spi.RedrivePolicy;
import dev.hearth.sqs.sqlite.SqliteMessageQueues;
import dev.hearth.worker.InvocationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pollers against the real SQLite queue engine, with a scripted function: batches, deletion on
 * success, redrive of failed batches to the dead-letter queue, ReportBatchItemFailures, the event's
 * shape, disabling, scaling under MaximumConcurrency, and the store surviving a reopen.
 */
final class TestMappingPollers {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final AccountContext ACCOUNT = new AccountContext("eu-west-1", "123456789012");
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private MessageQueues queues;
    private EventSourceMappingStore store;
    private EventSourceMappings mappings;
    private ExecutorService threads;
    private final ConcurrentLinkedQueue<JsonNode> records = new ConcurrentLinkedQueue<>();
    private final AtomicInteger invocations = new AtomicInteger();
    private volatile Function<JsonNode, String> answer = event -> "null";

    @BeforeEach
    void open() {
        queues = SqliteMessageQueues.open(dir.resolve("sqs.db"), Clock.systemUTC());
        store = EventSourceMappingStore.open(dir.resolve("mappings.db"));
        threads = Executors.newVirtualThreadPerTaskExecutor();
        mappings = EventSourceMappings.start(store, queues, this::invoke, ACCOUNT, threads);
    }

    @AfterEach
    void close() {
        mappings.close();
        threads.close();
        store.close();
        queues.close();
    }

    private InvocationResult invoke(FunctionRef function, String requestId, byte[] payload) {
        assertThat(function.name()).isEqualTo("worker");
        invocations.incrementAndGet();
        JsonNode event = read(payload);
        event.get("Records").forEach(records::add);
        String result = answer.apply(event);
        Optional<String> error = result.equals("ERROR") ? Optional.of("Unhandled") : Optional.empty();
        return new InvocationResult(result.getBytes(StandardCharsets.UTF_8), error, Optional.empty(), "$LATEST", Duration.ZERO,
                Optional.empty(), 0);
    }

    @Test
    void deliversEveryMessageOnceInBatchesAndDeletesThem() throws Exception {
        queues.createQueue("orders", QueueSettings.DEFAULTS, Map.of());
        send("orders", 25, i -> "order-" + i);
        mappings.put(mapping("orders", 10, 0, false, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> records.size() == 25);
        assertThat(records).extracting(r -> r.get("body").asText()).doesNotHaveDuplicates();
        await().atMost(LIMIT).until(() -> counts("orders") == 0);
        assertThat(invocations.get()).isBetween(3, 25);
        assertThat(mappings.lastProcessingResult(uuid("orders"))).isEqualTo("OK");
    }

    @Test
    void recordsHaveLambdasSqsShape() throws Exception {
        queues.createQueue("shapes", QueueSettings.DEFAULTS, Map.of());
        queues.send("shapes", List.of(new NewMessage("hello", Map.of("colour", MessageAttribute.string("String", "blue"),
                "raw", MessageAttribute.binary("Binary", new byte[] {1, 2})), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty())));
        mappings.put(mapping("shapes", 10, 0, false, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> records.size() == 1);
        JsonNode record = records.peek();
        assertThat(record.get("body").asText()).isEqualTo("hello");
        assertThat(record.get("messageId").asText()).isNotEmpty();
        assertThat(record.get("receiptHandle").asText()).isNotEmpty();
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(record.get("eventSourceARN").asText()).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:shapes");
        assertThat(record.get("awsRegion").asText()).isEqualTo("eu-west-1");
        assertThat(record.get("md5OfBody").asText()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(record.get("md5OfMessageAttributes").asText()).hasSize(32);
        JsonNode attributes = record.get("attributes");
        assertThat(attributes.get("ApproximateReceiveCount").asText()).isEqualTo("1");
        assertThat(attributes.get("SenderId").asText()).isEqualTo("123456789012");
        assertThat(Long.parseLong(attributes.get("SentTimestamp").asText())).isPositive();
        assertThat(Long.parseLong(attributes.get("ApproximateFirstReceiveTimestamp").asText())).isPositive();
        JsonNode colour = record.get("messageAttributes").get("colour");
        assertThat(colour.get("stringValue").asText()).isEqualTo("blue");
        assertThat(colour.get("dataType").asText()).isEqualTo("String");
        assertThat(colour.get("stringListValues").isArray()).isTrue();
        assertThat(colour.get("binaryListValues").isArray()).isTrue();
        assertThat(record.get("messageAttributes").get("raw").get("binaryValue").asText()).isEqualTo("AQI=");
    }

    @Test
    void aFailedBatchReturnsAndReachesTheDeadLetterQueue() throws Exception {
        queues.createQueue("dlq", QueueSettings.DEFAULTS, Map.of());
        queues.createQueue("jobs", withRedrive(Duration.ofSeconds(1), 2), Map.of());
        send("jobs", 3, i -> "job-" + i);
        answer = event -> "ERROR";
        mappings.put(mapping("jobs", 10, 0, false, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> queues.counts("dlq").visible() == 3);
        assertThat(counts("jobs")).isZero();
        // each message was delivered maxReceiveCount times before it moved
        assertThat(records).hasSize(6);
        assertThat(mappings.lastProcessingResult(uuid("jobs"))).isEqualTo("PROBLEM: Function call failed");
    }

    @Test
    void reportBatchItemFailuresDeletesAllButTheReportedOnes() throws Exception {
        queues.createQueue("dlq", QueueSettings.DEFAULTS, Map.of());
        queues.createQueue("mixed", withRedrive(Duration.ofSeconds(1), 2), Map.of());
        send("mixed", 20, i -> i % 5 == 0 ? "fail-" + i : "good-" + i);
        answer = event -> {
            List<String> failed = new ArrayList<>();
            event.get("Records").forEach(r -> {
                if (r.get("body").asText().startsWith("fail")) {
                    failed.add("{\"itemIdentifier\":\"" + r.get("messageId").asText() + "\"}");
                }
            });
            return "{\"batchItemFailures\":[" + String.join(",", failed) + "]}";
        };
        mappings.put(mapping("mixed", 10, 0, true, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> queues.counts("dlq").visible() == 4);
        await().atMost(LIMIT).until(() -> counts("mixed") == 0);
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        records.forEach(r -> deliveries.merge(r.get("body").asText(), 1, Integer::sum));
        assertThat(deliveries).hasSize(20);
        deliveries.forEach((body, count) -> assertThat(count).as(body).isEqualTo(body.startsWith("fail") ? 2 : 1));
    }

    @Test
    void aMalformedBatchItemFailuresAnswerFailsTheWholeBatch() throws Exception {
        queues.createQueue("dlq", QueueSettings.DEFAULTS, Map.of());
        queues.createQueue("odd", withRedrive(Duration.ofSeconds(1), 1), Map.of());
        send("odd", 2, i -> "m-" + i);
        answer = event -> "{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-the-batch\"}]}";
        mappings.put(mapping("odd", 10, 0, true, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> queues.counts("dlq").visible() == 2);
    }

    @Test
    void filterCriteriaDropMessagesNoPatternMatches() throws Exception {
        queues.createQueue("filtered", QueueSettings.DEFAULTS, Map.of());
        send("filtered", 10, i -> i % 2 == 0 ? "{\"kind\":\"keep\",\"n\":" + i + "}" : "{\"kind\":\"drop\",\"n\":" + i + "}");
        EventSourceMapping plain = mapping("filtered", 10, 0, false, Optional.empty(), true);
        mappings.put(new EventSourceMapping(plain.uuid(), plain.queueArn(), plain.queueName(), plain.functionName(),
                plain.qualifier(), plain.batchSize(), plain.batchingWindowSeconds(), true, false, Optional.empty(),
                Optional.of("{\"Filters\":[{\"Pattern\":\"{\\\"body\\\":{\\\"kind\\\":[\\\"keep\\\"]}}\"}]}"),
                plain.lastModified()));

        await().atMost(LIMIT).until(() -> counts("filtered") == 0);
        assertThat(records).hasSize(5).allMatch(r -> r.get("body").asText().contains("keep"));
    }

    @Test
    void aFifoGroupStaysInOrderWhenOneOfItsMessagesFails() throws Exception {
        QueueSettings d = QueueSettings.DEFAULTS;
        queues.createQueue("steps.fifo", new QueueSettings(Duration.ofSeconds(1), d.retentionPeriod(), d.delay(),
                d.receiveWaitTime(), d.maximumMessageSize(), Optional.empty(), Optional.empty(), true, false), Map.of());
        List<NewMessage> messages = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            messages.add(NewMessage.fifo("a-" + i, "a", "a-" + i));
            messages.add(NewMessage.fifo("b-" + i, "b", "b-" + i));
        }
        queues.send("steps.fifo", messages);
        List<String> processed = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(1);
        answer = event -> {
            List<String> failed = new ArrayList<>();
            event.get("Records").forEach(r -> {
                String body = r.get("body").asText();
                if (body.equals("a-2") && failuresLeft.getAndDecrement() > 0) {
                    failed.add("{\"itemIdentifier\":\"" + r.get("messageId").asText() + "\"}");
                } else if (failed.isEmpty() || !body.startsWith("a-")) {
                    processed.add(body); // a real handler stops its group at the first failure; Hearth keeps the rest anyway
                }
            });
            return "{\"batchItemFailures\":[" + String.join(",", failed) + "]}";
        };
        mappings.put(mapping("steps.fifo", 10, 0, true, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> counts("steps.fifo") == 0);
        assertThat(processed.stream().filter(b -> b.startsWith("a-"))).containsExactly("a-1", "a-2", "a-3", "a-4", "a-5");
        assertThat(processed.stream().filter(b -> b.startsWith("b-"))).containsExactly("b-1", "b-2", "b-3", "b-4", "b-5");
        assertThat(records).extracting(r -> r.get("attributes").get("MessageGroupId").asText()).contains("a", "b");
        assertThat(records).allMatch(r -> r.get("attributes").has("SequenceNumber")
                && r.get("attributes").has("MessageDeduplicationId"));
    }

    @Test
    void aDisabledMappingStopsPollingAndResumesWhenEnabled() throws Exception {
        queues.createQueue("paused", QueueSettings.DEFAULTS, Map.of());
        EventSourceMapping mapping = mapping("paused", 10, 0, false, Optional.empty(), false);
        mappings.put(mapping);
        send("paused", 5, i -> "p-" + i);
        assertThat(mappings.pollers(mapping.uuid())).isZero();
        assertThat(queues.counts("paused").visible()).isEqualTo(5);

        mappings.put(withEnabled(mapping, true));
        await().atMost(LIMIT).until(() -> records.size() == 5);
        mappings.put(withEnabled(mapping, false));
        assertThat(mappings.pollers(mapping.uuid())).isZero();
        send("paused", 3, i -> "q-" + i);
        assertThat(queues.counts("paused").visible()).isEqualTo(3);
        assertThat(records).hasSize(5);
    }

    @Test
    void pollersGrowWithAFullBacklogUpToMaximumConcurrency() throws Exception {
        queues.createQueue("backlog", QueueSettings.DEFAULTS, Map.of());
        send("backlog", 300, i -> "b-" + i);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        answer = event -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50); // the function's own work, not a wait of the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return "{}";
        };
        mappings.put(mapping("backlog", 2, 0, false, Optional.of(3), true));

        await().atMost(LIMIT).until(() -> records.size() == 300);
        assertThat(peak.get()).isGreaterThan(1).isLessThanOrEqualTo(3);
        await().atMost(LIMIT).until(() -> mappings.pollers(uuid("backlog")) == 1);
    }

    @Test
    void aThrottledInvocationLeavesTheMessagesInTheQueue() throws Exception {
        queues.createQueue("busy", QueueSettings.DEFAULTS, Map.of());
        send("busy", 1, i -> "x");
        answer = event -> {
            throw new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded.");
        };
        mappings.put(mapping("busy", 10, 0, false, Optional.empty(), true));

        await().atMost(LIMIT).until(() -> mappings.lastProcessingResult(uuid("busy")).startsWith("PROBLEM: Function call throttled"));
        assertThat(queues.counts("busy").inFlight()).isEqualTo(1);
    }

    @Test
    void mappingsSurviveAReopenAndGoWithTheirFunction() throws Exception {
        queues.createQueue("kept", QueueSettings.DEFAULTS, Map.of());
        EventSourceMapping mapping = mapping("kept", 500, 5, true, Optional.of(10), false);
        mappings.put(mapping);
        mappings.close();
        store.close();

        store = EventSourceMappingStore.open(dir.resolve("mappings.db"));
        mappings = EventSourceMappings.start(store, queues, this::invoke, ACCOUNT, threads);
        assertThat(mappings.find(mapping.uuid())).contains(mapping);
        mappings.functionChanged("worker", false);
        assertThat(mappings.list()).hasSize(1);
        mappings.functionChanged("worker", true);
        assertThat(mappings.list()).isEmpty();
        assertThat(mappings.find(mapping.uuid())).isEmpty();
    }

    private static EventSourceMapping mapping(String queue, int batchSize, int window, boolean reportFailures,
            Optional<Integer> maximumConcurrency, boolean enabled) {
        return new EventSourceMapping("uuid-" + queue, "arn:aws:sqs:eu-west-1:123456789012:" + queue, queue, "worker",
                Optional.empty(), batchSize, window, enabled, reportFailures, maximumConcurrency, Optional.empty(),
                Instant.ofEpochMilli(1_700_000_000_000L));
    }

    private static EventSourceMapping withEnabled(EventSourceMapping m, boolean enabled) {
        return new EventSourceMapping(m.uuid(), m.queueArn(), m.queueName(), m.functionName(), m.qualifier(), m.batchSize(),
                m.batchingWindowSeconds(), enabled, m.reportBatchItemFailures(), m.maximumConcurrency(), m.filterCriteria(),
                m.lastModified());
    }

    private static String uuid(String queue) {
        return "uuid-" + queue;
    }

    private static QueueSettings withRedrive(Duration visibility, int maxReceiveCount) {
        QueueSettings d = QueueSettings.DEFAULTS;
        return new QueueSettings(visibility, d.retentionPeriod(), d.delay(), d.receiveWaitTime(), d.maximumMessageSize(),
                Optional.of(new RedrivePolicy("dlq", maxReceiveCount)), Optional.empty(), false, false);
    }

    private void send(String queue, int count, Function<Integer, String> body) {
        queues.send(queue, IntStream.range(0, count).mapToObj(i -> NewMessage.of(body.apply(i))).toList());
    }

    private long counts(String queue) {
        var counts = queues.counts(queue);
        return counts.visible() + counts.inFlight() + counts.delayed();
    }

    private static JsonNode read(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
