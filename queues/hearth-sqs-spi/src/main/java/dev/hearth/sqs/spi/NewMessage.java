package dev.hearth.sqs.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send.
 *
 * @param attributes the message attributes, by name (kept in the order given)
 * @param delay the message's own delay (standard queues), else the queue's
 * @param groupId the message group (FIFO queues: required)
 * @param deduplicationId the deduplication id (FIFO queues: required unless the queue has content-based
 *     deduplication, which then uses the SHA-256 of the body)
 * @param traceHeader the {@code AWSTraceHeader} system attribute, if sent
 */
public record NewMessage(String body, Map<String, MessageAttribute> attributes, Optional<Duration> delay,
        Optional<String> groupId, Optional<String> deduplicationId, Optional<String> traceHeader) {
    public NewMessage {
        Objects.requireNonNull(body, "body");
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(deduplicationId, "deduplicationId");
        Objects.requireNonNull(traceHeader, "traceHeader");
    }

    /** A plain message with a body only. */
    public static NewMessage of(String body) {
        return new NewMessage(body, Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A FIFO message of {@code groupId}, with an explicit deduplication id (null: none). */
    public static NewMessage fifo(String body, String groupId, String deduplicationId) {
        return new NewMessage(body, Map.of(), Optional.empty(), Optional.of(groupId), Optional.ofNullable(deduplicationId),
                Optional.empty());
    }

    public NewMessage withDelay(Duration value) {
        return new NewMessage(body, attributes, Optional.of(value), groupId, deduplicationId, traceHeader);
    }

    public NewMessage withAttributes(Map<String, MessageAttribute> value) {
        return new NewMessage(body, value, delay, groupId, deduplicationId, traceHeader);
    }
}
