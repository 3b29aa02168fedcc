package dev.hearth.sqs.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MessageQueues} implementation must have. An implementation's test
 * extends this class and says how to open fresh, empty queues on a given clock; time moves only
 * through that {@link ManualClock} (the long-poll test waits on a future, never sleeps).
 */
public abstract class MessageQueuesContract {
    protected static final Instant START = Instant.parse("2026-12-01T08:00:00Z");

    protected ManualClock clock;
    protected MessageQueues queues;

    /** Opens new, empty queues whose every instant comes from {@code clock}. */
    protected abstract MessageQueues newQueues(Clock clock) throws Exception;

    @BeforeEach
    final void open() throws Exception {
        clock = new ManualClock(START);
        queues = newQueues(clock);
    }

    @AfterEach
    final void close() {
        queues.close();
    }

    private QueueDescription standard(String name) {
        return queues.createQueue(name, QueueSettings.DEFAULTS, Map.of());
    }

    private QueueDescription fifo(String name, boolean contentBased) {
        QueueSettings s = QueueSettings.DEFAULTS;
        return queues.createQueue(name, new QueueSettings(s.visibilityTimeout(), s.retentionPeriod(), s.delay(),
                s.receiveWaitTime(), s.maximumMessageSize(), Optional.empty(), Optional.empty(), true, contentBased), Map.of());
    }

    private List<ReceivedMessage> receive(String queue, int max) {
        try {
            return queues.receive(queue, ReceiveRequest.now(max));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> bodies(List<ReceivedMessage> messages) {
        return messages.stream().map(ReceivedMessage::body).toList();
    }

    @Test
    void createIsIdempotentForEqualSettingsAndRefusesOthers() {
        QueueDescription first = queues.createQueue("orders", QueueSettings.DEFAULTS, Map.of("team", "a"));
        assertThat(queues.createQueue("orders", QueueSettings.DEFAULTS, Map.of())).isEqualTo(first);
        assertThat(first.created()).isEqualTo(START);
        QueueSettings other = new QueueSettings(Duration.ofSeconds(5), Duration.ofDays(4), Duration.ZERO, Duration.ZERO, 262_144,
                Optional.empty(), Optional.empty(), false, false);
        assertThatThrownBy(() -> queues.createQueue("orders", other, Map.of()))
                .isInstanceOfSatisfying(MessageQueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.QUEUE_NAME_EXISTS));
        assertThat(queues.tags("orders")).containsExactly(Map.entry("team", "a"));
    }

    @Test
    void listsByPrefixUpdatesTagsAndDeletes() {
        standard("orders");
        standard("orders-dlq");
        standard("payments");
        assertThat(queues.queues("orders")).extracting(QueueDescription::name).containsExactly("orders", "orders-dlq");
        assertThat(queues.queues("")).hasSize(3);
        clock.advance(Duration.ofSeconds(10));
        QueueSettings changed = new QueueSettings(Duration.ofSeconds(45), Duration.ofHours(1), Duration.ofSeconds(2),
                Duration.ofSeconds(20), 1024, Optional.of(new RedrivePolicy("orders-dlq", 3)), Optional.empty(), false, false);
        QueueDescription updated = queues.updateQueue("orders", changed);
        assertThat(updated.settings()).isEqualTo(changed);
        assertThat(updated.lastModified()).isEqualTo(START.plusSeconds(10));
        assertThat(queues.deadLetterSourceQueues("orders-dlq")).containsExactly("orders");
        queues.tag("orders", Map.of("a", "1", "b", "2"));
        queues.untag("orders", Set.of("a"));
        assertThat(queues.tags("orders")).containsExactly(Map.entry("b", "2"));
        queues.send("payments", List.of(NewMessage.of("x")));
        queues.deleteQueue("payments");
        assertThat(queues.queue("payments")).isEmpty();
        assertThatThrownBy(() -> queues.send("payments", List.of(NewMessage.of("x"))))
                .isInstanceOfSatisfying(MessageQueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.QUEUE_DOES_NOT_EXIST));
    }

    @Test
    void sendReceiveDeleteKeepsBodyAndAttributes() {
        standard("q");
        Map<String, MessageAttribute> attributes = Map.of("colour", MessageAttribute.string("String", "blue"),
                "raw", MessageAttribute.binary("Binary", new byte[] {1, 2, 3}));
        SendResult sent = queues.send("q", List.of(NewMessage.of("héllo").withAttributes(attributes))).getFirst();
        clock.advance(Duration.ofSeconds(1));
        ReceivedMessage got = receive("q", 10).getFirst();
        assertThat(got.messageId()).isEqualTo(sent.messageId());
        assertThat(got.body()).isEqualTo("héllo");
        assertThat(got.attributes()).isEqualTo(attributes);
        assertThat(got.sentAt()).isEqualTo(START);
        assertThat(got.firstReceivedAt()).isEqualTo(START.plusSeconds(1));
        assertThat(got.receiveCount()).isEqualTo(1);
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(0, 1, 0));
        queues.delete("q", got.receiptHandle());
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(0, 0, 0));
        queues.delete("q", got.receiptHandle()); // deleting twice is no error, as in SQS
        assertThatThrownBy(() -> queues.delete("q", "not-a-handle"))
                .isInstanceOfSatisfying(MessageQueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.RECEIPT_HANDLE_INVALID));
    }

    @Test
    void anUndeletedMessageReturnsAfterItsVisibilityTimeoutWithANewHandle() {
        standard("q");
        queues.send("q", List.of(NewMessage.of("a")));
        ReceivedMessage first = receive("q", 1).getFirst();
        assertThat(receive("q", 1)).isEmpty();
        clock.advance(Duration.ofSeconds(29));
        assertThat(receive("q", 1)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        ReceivedMessage second = receive("q", 1).getFirst();
        assertThat(second.receiveCount()).isEqualTo(2);
        assertThat(second.receiptHandle()).isNotEqualTo(first.receiptHandle());
        queues.delete("q", first.receiptHandle()); // outdated handle: deletes nothing
        assertThat(queues.counts("q").inFlight()).isEqualTo(1);
        queues.delete("q", second.receiptHandle());
        assertThat(queues.counts("q").inFlight()).isZero();
    }

    @Test
    void changeVisibilityExtendsReleasesAndRefuses() throws Exception {
        standard("q");
        queues.send("q", List.of(NewMessage.of("a")));
        ReceivedMessage got = queues.receive("q", ReceiveRequest.now(1).withVisibility(Duration.ofSeconds(5))).getFirst();
        queues.changeVisibility("q", got.receiptHandle(), Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(30));
        assertThat(receive("q", 1)).isEmpty();
        queues.changeVisibility("q", got.receiptHandle(), Duration.ZERO);
        assertThatThrownBy(() -> queues.changeVisibility("q", got.receiptHandle(), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(MessageQueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.MESSAGE_NOT_IN_FLIGHT));
        ReceivedMessage again = receive("q", 1).getFirst();
        queues.delete("q", again.receiptHandle());
        assertThatThrownBy(() -> queues.changeVisibility("q", again.receiptHandle(), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(MessageQueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.RECEIPT_HANDLE_STALE));
    }

    @Test
    void delaysHideMessagesUntilDue() {
        QueueSettings s = QueueSettings.DEFAULTS;
        queues.createQueue("q", new QueueSettings(s.visibilityTimeout(), s.retentionPeriod(), Duration.ofSeconds(10),
                s.receiveWaitTime(), s.maximumMessageSize(), Optional.empty(), Optional.empty(), false, false), Map.of());
        queues.send("q", List.of(NewMessage.of("queue-delay"), NewMessage.of("own-delay").withDelay(Duration.ofSeconds(20)),
                NewMessage.of("no-delay").withDelay(Duration.ZERO)));
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(1, 0, 2));
        assertThat(bodies(receive("q", 10))).containsExactly("no-delay");
        clock.advance(Duration.ofSeconds(10));
        assertThat(bodies(receive("q", 10))).containsExactly("queue-delay");
        clock.advance(Duration.ofSeconds(10));
        assertThat(bodies(receive("q", 10))).containsExactly("own-delay");
    }

    @Test
    void messagesExpireAfterTheRetentionPeriod() {
        QueueSettings s = QueueSettings.DEFAULTS;
        queues.createQueue("q", new QueueSettings(s.visibilityTimeout(), Duration.ofMinutes(1), s.delay(), s.receiveWaitTime(),
                s.maximumMessageSize(), Optional.empty(), Optional.empty(), false, false), Map.of());
        queues.send("q", List.of(NewMessage.of("old")));
        clock.advance(Duration.ofSeconds(30));
        queues.send("q", List.of(NewMessage.of("young")));
        clock.advance(Duration.ofSeconds(30));
        assertThat(queues.counts("q").visible()).isEqualTo(1);
        assertThat(bodies(receive("q", 10))).containsExactly("young");
    }

    @Test
    void redriveMovesAMessageAfterMaxReceiveCount() {
        standard("dlq");
        QueueSettings s = QueueSettings.DEFAULTS;
        queues.createQueue("q", new QueueSettings(Duration.ofSeconds(10), s.retentionPeriod(), s.delay(), s.receiveWaitTime(),
                s.maximumMessageSize(), Optional.of(new RedrivePolicy("dlq", 2)), Optional.empty(), false, false), Map.of());
        SendResult sent = queues.send("q", List.of(NewMessage.of("poison"))).getFirst();
        assertThat(receive("q", 1)).hasSize(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(receive("q", 1).getFirst().receiveCount()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        assertThat(receive("q", 1)).isEmpty();
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(0, 0, 0));
        ReceivedMessage dead = receive("dlq", 1).getFirst();
        assertThat(dead.messageId()).isEqualTo(sent.messageId());
        assertThat(dead.body()).isEqualTo("poison");
        assertThat(dead.receiveCount()).isEqualTo(1);
        assertThat(dead.sentAt()).isEqualTo(START);
        assertThat(dead.deadLetterSourceQueue()).contains("q");
    }

    @Test
    void fifoDeliversEachGroupInOrderAndOneBatchAtATime() {
        fifo("q.fifo", false);
        queues.send("q.fifo", List.of(NewMessage.fifo("a1", "a", "1"), NewMessage.fifo("b1", "b", "2"),
                NewMessage.fifo("a2", "a", "3"), NewMessage.fifo("b2", "b", "4")));
        List<ReceivedMessage> first = receive("q.fifo", 1);
        assertThat(bodies(first)).containsExactly("a1");
        // group a is blocked while a1 is in flight: only b's messages, in order
        List<ReceivedMessage> second = receive("q.fifo", 10);
        assertThat(bodies(second)).containsExactly("b1", "b2");
        assertThat(receive("q.fifo", 10)).isEmpty();
        queues.delete("q.fifo", first.getFirst().receiptHandle());
        assertThat(bodies(receive("q.fifo", 10))).containsExactly("a2");
        assertThat(first.getFirst().sequenceNumber()).isPresent();
        assertThat(second.get(1).sequenceNumber().orElseThrow()).isGreaterThan(second.get(0).sequenceNumber().orElseThrow());
    }

    @Test
    void fifoRedeliversAnExpiredMessageBeforeLaterOnesOfItsGroup() {
        fifo("q.fifo", false);
        queues.send("q.fifo", List.of(NewMessage.fifo("a1", "a", "1"), NewMessage.fifo("a2", "a", "2")));
        assertThat(bodies(receive("q.fifo", 1))).containsExactly("a1");
        clock.advance(Duration.ofSeconds(30));
        assertThat(bodies(receive("q.fifo", 10))).containsExactly("a1", "a2");
    }

    @Test
    void fifoDeduplicatesWithinFiveMinutes() {
        fifo("q.fifo", true);
        SendResult first = queues.send("q.fifo", List.of(NewMessage.fifo("same body", "g", null))).getFirst();
        SendResult again = queues.send("q.fifo", List.of(NewMessage.fifo("same body", "g", null))).getFirst();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.messageId()).isEqualTo(first.messageId());
        SendResult explicit = queues.send("q.fifo", List.of(NewMessage.fifo("same body", "g", "other-id"))).getFirst();
        assertThat(explicit.duplicate()).isFalse();
        assertThat(queues.counts("q.fifo").visible()).isEqualTo(2);
        clock.advance(MessageQueues.DEDUPLICATION_WINDOW);
        assertThat(queues.send("q.fifo", List.of(NewMessage.fifo("same body", "g", null))).getFirst().duplicate()).isFalse();
        assertThat(queues.counts("q.fifo").visible()).isEqualTo(3);
    }

    @Test
    void fifoRefusesMessagesWithoutGroupOrDeduplicationId() {
        fifo("q.fifo", false);
        assertThatThrownBy(() -> queues.send("q.fifo", List.of(NewMessage.fifo("x", "g", null))))
                .isInstanceOfSatisfying(MessageQueueException.class,
                        e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.INVALID_MESSAGE));
        assertThatThrownBy(() -> queues.send("q.fifo", List.of(NewMessage.of("x"))))
                .isInstanceOf(MessageQueueException.class);
        assertThat(queues.counts("q.fifo").visible()).isZero();
    }

    @Test
    void deleteAllDeletesTheValidHandlesAndReportsTheOthers() {
        standard("q");
        standard("other");
        queues.send("q", List.of(NewMessage.of("a"), NewMessage.of("b")));
        queues.send("other", List.of(NewMessage.of("c")));
        List<ReceivedMessage> got = receive("q", 10);
        String foreign = receive("other", 1).getFirst().receiptHandle();
        List<Optional<MessageQueueException>> outcomes = queues.deleteAll("q",
                List.of(got.get(0).receiptHandle(), "garbage", foreign, got.get(1).receiptHandle()));
        assertThat(outcomes.get(0)).isEmpty();
        assertThat(outcomes.get(1)).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.RECEIPT_HANDLE_INVALID));
        assertThat(outcomes.get(2)).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(MessageQueueException.Kind.RECEIPT_HANDLE_INVALID));
        assertThat(outcomes.get(3)).isEmpty();
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(0, 0, 0));
        assertThat(queues.counts("other").inFlight()).isEqualTo(1);
    }

    @Test
    void purgeEmptiesAQueue() {
        standard("q");
        queues.send("q", List.of(NewMessage.of("a"), NewMessage.of("b")));
        receive("q", 1);
        queues.purge("q");
        assertThat(queues.counts("q")).isEqualTo(new QueueCounts(0, 0, 0));
    }

    @Test
    void aWaitingReceiveIsWokenByASend() throws Exception {
        standard("q");
        CompletableFuture<List<ReceivedMessage>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queues.receive("q", ReceiveRequest.now(1).withWait(Duration.ofSeconds(60)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, r -> Thread.startVirtualThread(r));
        assertThat(waiting).isNotDone();
        queues.send("q", List.of(NewMessage.of("wake up")));
        assertThat(bodies(waiting.get(30, TimeUnit.SECONDS))).containsExactly("wake up");
    }

    @Test
    void receiveOfAtMostMaxMessagesNeverHandsOutOneTwice() {
        standard("q");
        queues.send("q", List.of(NewMessage.of("1"), NewMessage.of("2"), NewMessage.of("3")));
        try {
            List<ReceivedMessage> got = queues.receive("q", ReceiveRequest.now(10).withVisibility(Duration.ZERO));
            assertThat(bodies(got)).containsExactlyInAnyOrder("1", "2", "3");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(bodies(receive("q", 2))).hasSize(2);
    }
}
