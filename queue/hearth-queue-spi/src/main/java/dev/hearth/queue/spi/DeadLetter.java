package dev.hearth.queue.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * An event the pollers gave up on, kept for an operator to inspect, redrive or delete.
 *
 * @param event the event as it was when it was moved (retry counts and last error included)
 * @param reason why it was given up on, for example {@code RetriesExhausted} or {@code EventAgeExceeded}
 * @param deadLetteredAt when it was moved
 */
public record DeadLetter(QueuedEvent event, String reason, Instant deadLetteredAt) {
    public DeadLetter {
        Objects.requireNonNull(event, "event");
        NewEvent.requireNonBlank(reason, "reason");
        Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
    }
}
