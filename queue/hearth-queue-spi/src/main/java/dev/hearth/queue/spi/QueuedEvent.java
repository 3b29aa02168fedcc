package dev.hearth.queue.spi;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An event as the queue holds it: what was accepted, plus its delivery history.
 *
 * <p>Immutable: the payload is copied in and out. Instants are as precise as the implementation
 * stores them (at least milliseconds).
 *
 * @param id the invocation's request id
 * @param functionName the function's name
 * @param qualifier the version or alias that was invoked
 * @param payload the event's bytes
 * @param enqueuedAt when the event was accepted (the start of its age, for
 *     {@code MaximumEventAgeInSeconds})
 * @param attempts how many times the event was released after the function failed on it
 *     ({@link RetryCause#FUNCTION_ERROR}), counted against {@code MaximumRetryAttempts}
 * @param systemRetries how many times the event was released because it could not be run
 *     ({@link RetryCause#SYSTEM}: throttles, sandbox failures), which only the event's age limits
 * @param visibleAt when the event may next be leased; while it is leased, when its lease expires
 * @param lastError the error given with the last release, if it was ever released
 */
public record QueuedEvent(
        String id,
        String functionName,
        String qualifier,
        byte[] payload,
        Instant enqueuedAt,
        int attempts,
        int systemRetries,
        Instant visibleAt,
        Optional<String> lastError) {

    public QueuedEvent {
        NewEvent.requireNonBlank(id, "id");
        NewEvent.requireNonBlank(functionName, "functionName");
        NewEvent.requireNonBlank(qualifier, "qualifier");
        payload = Objects.requireNonNull(payload, "payload").clone();
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(visibleAt, "visibleAt");
        Objects.requireNonNull(lastError, "lastError");
        if (attempts < 0 || systemRetries < 0) {
            throw new IllegalArgumentException("retry counts must not be negative: attempts=" + attempts
                    + ", systemRetries=" + systemRetries);
        }
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's size in bytes, without copying it. */
    public int payloadSize() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QueuedEvent that
                && id.equals(that.id)
                && functionName.equals(that.functionName)
                && qualifier.equals(that.qualifier)
                && Arrays.equals(payload, that.payload)
                && enqueuedAt.equals(that.enqueuedAt)
                && attempts == that.attempts
                && systemRetries == that.systemRetries
                && visibleAt.equals(that.visibleAt)
                && lastError.equals(that.lastError);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, functionName, qualifier, Arrays.hashCode(payload), enqueuedAt, attempts,
                systemRetries, visibleAt, lastError);
    }

    @Override
    public String toString() {
        return "QueuedEvent[id=" + id + ", functionName=" + functionName + ", qualifier=" + qualifier
                + ", payload=" + payload.length + " bytes, enqueuedAt=" + enqueuedAt + ", attempts=" + attempts
                + ", systemRetries=" + systemRetries + ", visibleAt=" + visibleAt + ", lastError=" + lastError + "]";
    }
}
