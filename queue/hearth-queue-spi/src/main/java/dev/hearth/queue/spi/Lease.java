package dev.hearth.queue.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * An event handed to one poller until {@link #expiresAt()}.
 *
 * @param event the event as it was when leased; its {@code visibleAt} is the lease's expiry
 * @param token what the poller presents to complete, release, extend or dead-letter the event
 * @param expiresAt when the event becomes visible to other pollers unless the lease is extended
 */
public record Lease(QueuedEvent event, LeaseToken token, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!token.eventId().equals(event.id())) {
            throw new IllegalArgumentException("token for event " + token.eventId() + " given with event " + event.id());
        }
    }
}
