package dev.hearth.queue.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link EventQueue} kept in memory, for tests of the queue's users (pollers, frontends) that do
 * not need durability. Not durable: everything is lost with the object. Thread-safe: every method
 * holds the object's lock.
 */
public final class InMemoryEventQueue implements EventQueue {
    private record Entry(QueuedEvent event, long sequence, Optional<String> token) {}

    private final Clock clock;
    private final Map<String, Entry> pending = new HashMap<>();
    private final LinkedHashMap<String, DeadLetter> deadLetters = new LinkedHashMap<>();
    private long nextSequence;
    private boolean closed;

    public InMemoryEventQueue(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void enqueue(NewEvent event) {
        requireOpen();
        if (pending.containsKey(event.id()) || deadLetters.containsKey(event.id())) {
            throw new DuplicateEventException(event.id());
        }
        Instant now = clock.instant();
        pending.put(event.id(), new Entry(new QueuedEvent(event.id(), event.functionName(), event.qualifier(),
                event.payload(), now, 0, 0, now, Optional.empty()), nextSequence++, Optional.empty()));
    }

    @Override
    public synchronized List<Lease> lease(int maxEvents, Duration leaseDuration) {
        requireOpen();
        requirePositive(maxEvents, leaseDuration);
        Instant now = clock.instant();
        Instant expiry = now.plus(leaseDuration);
        List<Entry> visible = pending.values().stream()
                .filter(entry -> !entry.event().visibleAt().isAfter(now))
                .sorted(Comparator.comparing((Entry entry) -> entry.event().visibleAt()).thenComparingLong(Entry::sequence))
                .limit(maxEvents)
                .toList();
        List<Lease> leases = new ArrayList<>(visible.size());
        for (Entry entry : visible) {
            LeaseToken token = new LeaseToken(entry.event().id(), UUID.randomUUID().toString());
            QueuedEvent leased = withVisibleAt(entry.event(), expiry);
            pending.put(leased.id(), new Entry(leased, entry.sequence(), Optional.of(token.value())));
            leases.add(new Lease(leased, token, expiry));
        }
        return leases;
    }

    @Override
    public synchronized boolean extendLease(LeaseToken token, Duration leaseDuration) {
        requireOpen();
        requirePositive(1, leaseDuration);
        Entry entry = current(token);
        if (entry == null) {
            return false;
        }
        pending.put(token.eventId(), new Entry(withVisibleAt(entry.event(), clock.instant().plus(leaseDuration)),
                entry.sequence(), entry.token()));
        return true;
    }

    @Override
    public synchronized boolean complete(LeaseToken token) {
        requireOpen();
        return current(token) != null && pending.remove(token.eventId()) != null;
    }

    @Override
    public synchronized boolean release(LeaseToken token, Duration delay, RetryCause cause, String error) {
        requireOpen();
        requireNotNegative(delay);
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(error, "error");
        Entry entry = current(token);
        if (entry == null) {
            return false;
        }
        QueuedEvent event = entry.event();
        int attempts = event.attempts() + (cause == RetryCause.FUNCTION_ERROR ? 1 : 0);
        int systemRetries = event.systemRetries() + (cause == RetryCause.SYSTEM ? 1 : 0);
        QueuedEvent released = new QueuedEvent(event.id(), event.functionName(), event.qualifier(), event.payload(),
                event.enqueuedAt(), attempts, systemRetries, clock.instant().plus(delay), Optional.of(error));
        pending.put(event.id(), new Entry(released, entry.sequence(), Optional.empty()));
        return true;
    }

    @Override
    public synchronized boolean moveToDeadLetters(LeaseToken token, String reason) {
        requireOpen();
        Objects.requireNonNull(reason, "reason");
        Entry entry = current(token);
        if (entry == null) {
            return false;
        }
        pending.remove(token.eventId());
        deadLetters.put(token.eventId(), new DeadLetter(entry.event(), reason, clock.instant()));
        return true;
    }

    @Override
    public synchronized Optional<QueuedEvent> find(String eventId) {
        requireOpen();
        return Optional.ofNullable(pending.get(eventId)).map(Entry::event);
    }

    @Override
    public synchronized List<DeadLetter> listDeadLetters(Optional<String> afterEventId, int maxItems) {
        requireOpen();
        if (maxItems <= 0) {
            throw new IllegalArgumentException("maxItems must be positive, was " + maxItems);
        }
        List<DeadLetter> all = new ArrayList<>(deadLetters.values());
        int start = 0;
        if (afterEventId.isPresent()) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).event().id().equals(afterEventId.get())) {
                    start = i + 1;
                    break;
                }
            }
        }
        return List.copyOf(all.subList(start, Math.min(all.size(), start + maxItems)));
    }

    @Override
    public synchronized Optional<DeadLetter> findDeadLetter(String eventId) {
        requireOpen();
        return Optional.ofNullable(deadLetters.get(eventId));
    }

    @Override
    public synchronized boolean redrive(String eventId) {
        requireOpen();
        DeadLetter letter = deadLetters.remove(eventId);
        if (letter == null) {
            return false;
        }
        QueuedEvent event = letter.event();
        Instant now = clock.instant();
        pending.put(eventId, new Entry(new QueuedEvent(event.id(), event.functionName(), event.qualifier(),
                event.payload(), now, 0, 0, now, Optional.empty()), nextSequence++, Optional.empty()));
        return true;
    }

    @Override
    public synchronized boolean deleteDeadLetter(String eventId) {
        requireOpen();
        return deadLetters.remove(eventId) != null;
    }

    @Override
    public synchronized QueueCounts counts() {
        requireOpen();
        Instant now = clock.instant();
        long ready = 0;
        long leased = 0;
        long delayed = 0;
        for (Entry entry : pending.values()) {
            if (!entry.event().visibleAt().isAfter(now)) {
                ready++;
            } else if (entry.token().isPresent()) {
                leased++;
            } else {
                delayed++;
            }
        }
        return new QueueCounts(ready, leased, delayed, deadLetters.size());
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private Entry current(LeaseToken token) {
        Entry entry = pending.get(token.eventId());
        return entry != null && entry.token().equals(Optional.of(token.value())) ? entry : null;
    }

    private void requireOpen() {
        if (closed) {
            throw new EventQueueException("the queue is closed");
        }
    }

    private static QueuedEvent withVisibleAt(QueuedEvent event, Instant visibleAt) {
        return new QueuedEvent(event.id(), event.functionName(), event.qualifier(), event.payload(),
                event.enqueuedAt(), event.attempts(), event.systemRetries(), visibleAt, event.lastError());
    }

    private static void requirePositive(int maxEvents, Duration leaseDuration) {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxEvents must be positive, was " + maxEvents);
        }
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
    }

    private static void requireNotNegative(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
    }
}
