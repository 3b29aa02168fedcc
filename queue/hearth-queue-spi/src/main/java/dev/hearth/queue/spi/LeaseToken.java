package dev.hearth.queue.spi;

/**
 * Proof that a poller holds an event's current lease. Every lease of an event gets a new token, so a
 * poller whose lease expired and was taken over by another poller holds a stale token, and the queue
 * refuses it.
 *
 * @param eventId the leased event's id
 * @param value an opaque value the queue chose; compare, never parse
 */
public record LeaseToken(String eventId, String value) {
    public LeaseToken {
        NewEvent.requireNonBlank(eventId, "eventId");
        NewEvent.requireNonBlank(value, "value");
    }
}
