package dev.hearth.queue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventQueue} implementation must have. An implementation's test extends
 * this class and says how to open a fresh, empty queue on a given clock; time moves only through
 * that {@link ManualClock}, never by waiting.
 */
public abstract class EventQueueContract {
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Instant START = Instant.parse("2026-11-22T08:00:00Z");

    protected ManualClock clock;
    protected EventQueue queue;

    /** Opens a new, empty queue whose every instant comes from {@code clock}. */
    protected abstract EventQueue newQueue(Clock clock) throws Exception;

    @BeforeEach
    final void openQueue() throws Exception {
        clock = new ManualClock(START);
        queue = newQueue(clock);
    }

    @AfterEach
    final void closeQueue() {
        queue.close();
    }

    protected static NewEvent event(String id) {
        return new NewEvent(id, "orders", "$LATEST", ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private Lease leaseOne() {
        List<Lease> leases = queue.lease(1, LEASE);
        assertThat(leases).hasSize(1);
        return leases.getFirst();
    }

    private static List<String> ids(List<Lease> leases) {
        return leases.stream().map(lease -> lease.event().id()).toList();
    }

    @Test
    void enqueuedEventIsStoredWithItsPayloadAndNoHistory() {
        byte[] payload = new byte[NewEvent.MAX_PAYLOAD_BYTES];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        queue.enqueue(new NewEvent("e-1", "resize-image", "prod", payload));

        QueuedEvent stored = queue.find("e-1").orElseThrow();
        assertThat(stored.id()).isEqualTo("e-1");
        assertThat(stored.functionName()).isEqualTo("resize-image");
        assertThat(stored.qualifier()).isEqualTo("prod");
        assertThat(stored.payload()).isEqualTo(payload);
        assertThat(stored.enqueuedAt()).isEqualTo(START);
        assertThat(stored.visibleAt()).isEqualTo(START);
        assertThat(stored.attempts()).isZero();
        assertThat(stored.systemRetries()).isZero();
        assertThat(stored.lastError()).isEmpty();
        assertThat(queue.find("e-2")).isEmpty();
    }

    @Test
    void emptyPayloadIsKept() {
        queue.enqueue(new NewEvent("e-1", "orders", "$LATEST", new byte[0]));
        assertThat(queue.find("e-1").orElseThrow().payload()).isEmpty();
    }

    @Test
    void duplicateIdIsRefusedWhilePendingLeasedOrDeadLettered() {
        queue.enqueue(event("e-1"));
        assertThatThrownBy(() -> queue.enqueue(event("e-1"))).isInstanceOf(DuplicateEventException.class)
                .hasMessageContaining("e-1");

        Lease lease = leaseOne();
        assertThatThrownBy(() -> queue.enqueue(event("e-1"))).isInstanceOf(DuplicateEventException.class);

        assertThat(queue.moveToDeadLetters(lease.token(), "RetriesExhausted")).isTrue();
        assertThatThrownBy(() -> queue.enqueue(event("e-1"))).isInstanceOf(DuplicateEventException.class);
        assertThat(queue.counts()).isEqualTo(new QueueCounts(0, 0, 0, 1));
    }

    @Test
    void leaseReturnsUpToMaxVisibleEventsAndHidesThem() {
        for (int i = 1; i <= 5; i++) {
            queue.enqueue(event("e-" + i));
        }
        List<Lease> first = queue.lease(3, LEASE);
        assertThat(ids(first)).containsExactly("e-1", "e-2", "e-3");
        for (Lease lease : first) {
            assertThat(lease.expiresAt()).isEqualTo(START.plus(LEASE));
            assertThat(lease.event().visibleAt()).isEqualTo(START.plus(LEASE));
            assertThat(lease.token().eventId()).isEqualTo(lease.event().id());
            assertThat(lease.event().payload()).isEqualTo(event(lease.event().id()).payload());
        }
        assertThat(ids(queue.lease(10, LEASE))).containsExactly("e-4", "e-5");
        assertThat(queue.lease(10, LEASE)).isEmpty();
        assertThat(queue.find("e-1").orElseThrow().visibleAt()).isEqualTo(START.plus(LEASE));
    }

    @Test
    void leaseOnEmptyQueueReturnsNothing() {
        assertThat(queue.lease(10, LEASE)).isEmpty();
    }

    @Test
    void leaseRejectsNonPositiveArguments() {
        assertThatThrownBy(() -> queue.lease(0, LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.lease(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.lease(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachLeaseHasItsOwnToken() {
        queue.enqueue(event("e-1"));
        queue.enqueue(event("e-2"));
        List<Lease> leases = queue.lease(2, LEASE);
        assertThat(leases.get(0).token().value()).isNotEqualTo(leases.get(1).token().value());
    }

    @Test
    void expiredLeaseMakesTheEventVisibleAgainWithANewToken() {
        queue.enqueue(event("e-1"));
        Lease first = leaseOne();

        clock.advance(LEASE.minusMillis(1));
        assertThat(queue.lease(1, LEASE)).as("lease not yet expired").isEmpty();

        clock.advance(Duration.ofMillis(1));
        Lease second = leaseOne();
        assertThat(second.event().id()).isEqualTo("e-1");
        assertThat(second.token()).isNotEqualTo(first.token());
        assertThat(second.expiresAt()).isEqualTo(START.plus(LEASE).plus(LEASE));
        assertThat(second.event().attempts()).as("an expired lease is not a failed attempt").isZero();
    }

    @Test
    void staleTokenIsRefusedByEveryOperationAndChangesNothing() {
        queue.enqueue(event("e-1"));
        Lease stale = leaseOne();
        clock.advance(LEASE);
        Lease current = leaseOne();

        assertThat(queue.complete(stale.token())).isFalse();
        assertThat(queue.release(stale.token(), Duration.ZERO, RetryCause.FUNCTION_ERROR, "boom")).isFalse();
        assertThat(queue.extendLease(stale.token(), Duration.ofHours(1))).isFalse();
        assertThat(queue.moveToDeadLetters(stale.token(), "RetriesExhausted")).isFalse();

        assertThat(queue.find("e-1")).contains(current.event());
        assertThat(queue.findDeadLetter("e-1")).isEmpty();
        assertThat(queue.complete(current.token())).isTrue();
        assertThat(queue.find("e-1")).isEmpty();
    }

    @Test
    void forgedOrUnknownTokenIsRefused() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        assertThat(queue.complete(new LeaseToken("e-1", "not-the-token"))).isFalse();
        assertThat(queue.complete(new LeaseToken("e-9", lease.token().value()))).isFalse();
        assertThat(queue.find("e-1")).isPresent();
    }

    @Test
    void tokenOfAnEventThatWasNeverLeasedAgainIsStillHonouredAfterExpiry() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        clock.advance(LEASE.multipliedBy(3));
        assertThat(queue.complete(lease.token())).isTrue();
        assertThat(queue.find("e-1")).isEmpty();
    }

    @Test
    void completeDeletesTheEventOnce() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        assertThat(queue.complete(lease.token())).isTrue();
        assertThat(queue.complete(lease.token())).isFalse();
        assertThat(queue.find("e-1")).isEmpty();
        clock.advance(LEASE.multipliedBy(2));
        assertThat(queue.lease(1, LEASE)).isEmpty();
        assertThat(queue.counts()).isEqualTo(new QueueCounts(0, 0, 0, 0));
    }

    @Test
    void releaseForFunctionErrorCountsAnAttemptAndDelaysTheEvent() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        clock.advance(Duration.ofSeconds(5));
        assertThat(queue.release(lease.token(), Duration.ofMinutes(1), RetryCause.FUNCTION_ERROR, "Unhandled: boom"))
                .isTrue();

        QueuedEvent released = queue.find("e-1").orElseThrow();
        assertThat(released.attempts()).isEqualTo(1);
        assertThat(released.systemRetries()).isZero();
        assertThat(released.lastError()).contains("Unhandled: boom");
        assertThat(released.visibleAt()).isEqualTo(START.plusSeconds(5).plus(Duration.ofMinutes(1)));
        assertThat(released.enqueuedAt()).isEqualTo(START);
        assertThat(queue.complete(lease.token())).as("release ends the lease").isFalse();

        clock.advance(Duration.ofMinutes(1).minusMillis(1));
        assertThat(queue.lease(1, LEASE)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        Lease again = leaseOne();
        assertThat(again.event().attempts()).isEqualTo(1);
        assertThat(again.event().lastError()).contains("Unhandled: boom");
    }

    @Test
    void releaseForSystemReasonCountsASystemRetryOnly() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        assertThat(queue.release(lease.token(), Duration.ZERO, RetryCause.SYSTEM, "TooManyRequestsException")).isTrue();
        Lease again = leaseOne();
        assertThat(again.event().attempts()).isZero();
        assertThat(again.event().systemRetries()).isEqualTo(1);
        assertThat(queue.release(again.token(), Duration.ZERO, RetryCause.FUNCTION_ERROR, "second")).isTrue();
        QueuedEvent event = queue.find("e-1").orElseThrow();
        assertThat(event.attempts()).isEqualTo(1);
        assertThat(event.systemRetries()).isEqualTo(1);
        assertThat(event.lastError()).contains("second");
    }

    @Test
    void releaseRejectsNegativeDelay() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        assertThatThrownBy(() -> queue.release(lease.token(), Duration.ofSeconds(-1), RetryCause.SYSTEM, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extendedLeaseOutlivesItsFirstExpiry() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        clock.advance(Duration.ofSeconds(20));
        assertThat(queue.extendLease(lease.token(), Duration.ofMinutes(2))).isTrue();
        assertThat(queue.find("e-1").orElseThrow().visibleAt()).isEqualTo(START.plusSeconds(20).plus(Duration.ofMinutes(2)));

        clock.advance(Duration.ofMinutes(1));
        assertThat(queue.lease(1, LEASE)).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(ids(queue.lease(1, LEASE))).containsExactly("e-1");
        assertThat(queue.complete(lease.token())).isFalse();
    }

    @Test
    void eventsAreLeasedInOrderOfVisibilityThenAcceptance() {
        queue.enqueue(event("a"));
        queue.enqueue(event("b"));
        List<Lease> leases = queue.lease(2, LEASE);
        assertThat(queue.release(leases.get(0).token(), Duration.ofSeconds(10), RetryCause.FUNCTION_ERROR, "x")).isTrue();
        assertThat(queue.release(leases.get(1).token(), Duration.ofSeconds(5), RetryCause.FUNCTION_ERROR, "x")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        queue.enqueue(event("c"));
        queue.enqueue(event("d"));
        clock.advance(Duration.ofSeconds(20));
        queue.enqueue(event("e"));

        assertThat(ids(queue.lease(10, LEASE))).containsExactly("c", "d", "b", "a", "e");
    }

    @Test
    void concurrentPollersNeverHoldTheSameEvent() throws Exception {
        int events = 300;
        for (int i = 0; i < events; i++) {
            queue.enqueue(event("e-" + i));
        }
        Set<String> leasedOnce = ConcurrentHashMap.newKeySet();
        List<String> leasedTwice = new ArrayList<>();
        AtomicInteger completed = new AtomicInteger();
        int pollers = 6;
        try (ExecutorService executor = Executors.newFixedThreadPool(pollers)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < pollers; p++) {
                futures.add(executor.submit(() -> {
                    while (true) {
                        List<Lease> leases = queue.lease(7, LEASE);
                        if (leases.isEmpty()) {
                            return null;
                        }
                        for (Lease lease : leases) {
                            if (!leasedOnce.add(lease.event().id())) {
                                synchronized (leasedTwice) {
                                    leasedTwice.add(lease.event().id());
                                }
                            }
                            if (queue.complete(lease.token())) {
                                completed.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(leasedTwice).isEmpty();
        assertThat(leasedOnce).hasSize(events);
        assertThat(completed).hasValue(events);
        assertThat(queue.counts().depth()).isZero();
    }

    @Test
    void concurrentEnqueuersAreAllStored() throws Exception {
        int threads = 8;
        int perThread = 50;
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        queue.enqueue(event("t" + thread + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(queue.counts()).isEqualTo(new QueueCounts(threads * perThread, 0, 0, 0));
        Set<String> seen = new HashSet<>();
        for (Lease lease : queue.lease(threads * perThread, LEASE)) {
            seen.add(lease.event().id());
            assertThat(lease.event().payload()).isEqualTo(event(lease.event().id()).payload());
        }
        assertThat(seen).hasSize(threads * perThread);
    }

    @Test
    void deadLetterRoundTripAndRedrive() {
        queue.enqueue(event("e-1"));
        Lease lease = leaseOne();
        assertThat(queue.release(lease.token(), Duration.ZERO, RetryCause.FUNCTION_ERROR, "boom")).isTrue();
        Lease last = leaseOne();
        clock.advance(Duration.ofSeconds(3));
        assertThat(queue.moveToDeadLetters(last.token(), "RetriesExhausted")).isTrue();
        assertThat(queue.moveToDeadLetters(last.token(), "RetriesExhausted")).isFalse();

        assertThat(queue.find("e-1")).isEmpty();
        assertThat(queue.lease(1, LEASE)).isEmpty();
        DeadLetter letter = queue.findDeadLetter("e-1").orElseThrow();
        assertThat(letter.reason()).isEqualTo("RetriesExhausted");
        assertThat(letter.deadLetteredAt()).isEqualTo(START.plusSeconds(3));
        assertThat(letter.event().attempts()).isEqualTo(1);
        assertThat(letter.event().lastError()).contains("boom");
        assertThat(letter.event().enqueuedAt()).isEqualTo(START);
        assertThat(letter.event().payload()).isEqualTo(event("e-1").payload());
        assertThat(queue.listDeadLetters(Optional.empty(), 10)).containsExactly(letter);
        assertThat(queue.counts()).isEqualTo(new QueueCounts(0, 0, 0, 1));

        clock.advance(Duration.ofMinutes(1));
        assertThat(queue.redrive("e-1")).isTrue();
        assertThat(queue.redrive("e-1")).isFalse();
        assertThat(queue.findDeadLetter("e-1")).isEmpty();
        QueuedEvent redriven = queue.find("e-1").orElseThrow();
        assertThat(redriven.attempts()).isZero();
        assertThat(redriven.systemRetries()).isZero();
        assertThat(redriven.lastError()).isEmpty();
        assertThat(redriven.enqueuedAt()).isEqualTo(START.plusSeconds(63));
        assertThat(redriven.payload()).isEqualTo(event("e-1").payload());
        assertThat(queue.counts()).isEqualTo(new QueueCounts(1, 0, 0, 0));

        Lease redelivered = leaseOne();
        assertThat(redelivered.event().id()).isEqualTo("e-1");
        assertThat(queue.complete(redelivered.token())).isTrue();
    }

    @Test
    void deadLettersAreListedInPagesOldestFirstAndCanBeDeleted() {
        for (int i = 1; i <= 5; i++) {
            queue.enqueue(event("e-" + i));
        }
        for (Lease lease : queue.lease(5, LEASE)) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(queue.moveToDeadLetters(lease.token(), "EventAgeExceeded")).isTrue();
        }
        List<DeadLetter> firstPage = queue.listDeadLetters(Optional.empty(), 2);
        assertThat(firstPage).extracting(letter -> letter.event().id()).containsExactly("e-1", "e-2");
        List<DeadLetter> secondPage = queue.listDeadLetters(Optional.of("e-2"), 2);
        assertThat(secondPage).extracting(letter -> letter.event().id()).containsExactly("e-3", "e-4");
        assertThat(queue.listDeadLetters(Optional.of("e-4"), 2)).extracting(letter -> letter.event().id())
                .containsExactly("e-5");
        assertThat(queue.listDeadLetters(Optional.of("e-5"), 2)).isEmpty();
        assertThatThrownBy(() -> queue.listDeadLetters(Optional.empty(), 0)).isInstanceOf(IllegalArgumentException.class);

        assertThat(queue.deleteDeadLetter("e-3")).isTrue();
        assertThat(queue.deleteDeadLetter("e-3")).isFalse();
        assertThat(queue.redrive("e-3")).isFalse();
        assertThat(queue.findDeadLetter("e-3")).isEmpty();
        assertThat(queue.listDeadLetters(Optional.of("e-2"), 10)).extracting(letter -> letter.event().id())
                .containsExactly("e-4", "e-5");
        assertThat(queue.counts().deadLetters()).isEqualTo(4);
    }

    @Test
    void countsFollowEachEventsState() {
        for (int i = 1; i <= 6; i++) {
            queue.enqueue(event("e-" + i));
        }
        assertThat(queue.counts()).isEqualTo(new QueueCounts(6, 0, 0, 0));
        List<Lease> leases = queue.lease(4, LEASE);
        assertThat(queue.counts()).isEqualTo(new QueueCounts(2, 4, 0, 0));
        assertThat(queue.release(leases.get(0).token(), Duration.ofMinutes(5), RetryCause.SYSTEM, "throttled")).isTrue();
        assertThat(queue.moveToDeadLetters(leases.get(1).token(), "RetriesExhausted")).isTrue();
        assertThat(queue.complete(leases.get(2).token())).isTrue();
        assertThat(queue.counts()).isEqualTo(new QueueCounts(2, 1, 1, 1));
        assertThat(queue.counts().depth()).isEqualTo(4);

        clock.advance(LEASE);
        assertThat(queue.counts()).as("an expired lease is ready again").isEqualTo(new QueueCounts(3, 0, 1, 1));
        clock.advance(Duration.ofMinutes(5));
        assertThat(queue.counts()).isEqualTo(new QueueCounts(4, 0, 0, 1));
    }

    @Test
    void closedQueueRefusesCalls() {
        queue.enqueue(event("e-1"));
        queue.close();
        assertThatThrownBy(() -> queue.enqueue(event("e-2"))).isInstanceOf(EventQueueException.class);
        assertThatThrownBy(() -> queue.lease(1, LEASE)).isInstanceOf(EventQueueException.class);
        assertThatThrownBy(() -> queue.counts()).isInstanceOf(EventQueueException.class);
        queue.close();
    }
}
