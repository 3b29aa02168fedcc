package dev.hearth.queue.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * An asynchronous invocation the frontend has accepted and asks the queue to keep.
 *
 * <p>Immutable: the payload is copied in and out.
 *
 * @param id the invocation's request id; unique across every event the queue holds, including dead
 *     letters
 * @param functionName the function's name (not its ARN)
 * @param qualifier the version or alias that was invoked, {@code $LATEST} when none was given
 * @param payload the event's bytes as the client sent them, at most {@link #MAX_PAYLOAD_BYTES}
 */
public record NewEvent(String id, String functionName, String qualifier, byte[] payload) {

    /** Lambda's limit on an asynchronous invocation's payload: 256 KB. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    /**
     * @throws IllegalArgumentException if a name is blank or the payload is larger than
     *     {@link #MAX_PAYLOAD_BYTES}; the frontend checks the limit first and answers the client with
     *     Lambda's error, so reaching this is a bug
     */
    public NewEvent {
        requireNonBlank(id, "id");
        requireNonBlank(functionName, "functionName");
        requireNonBlank(qualifier, "qualifier");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of event " + id + " has " + payload.length
                    + " bytes, more than the " + MAX_PAYLOAD_BYTES + " an asynchronous invocation may carry");
        }
        payload = payload.clone();
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
        return other instanceof NewEvent that
                && id.equals(that.id)
                && functionName.equals(that.functionName)
                && qualifier.equals(that.qualifier)
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, functionName, qualifier, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "NewEvent[id=" + id + ", functionName=" + functionName + ", qualifier=" + qualifier
                + ", payload=" + payload.length + " bytes]";
    }

    static void requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
