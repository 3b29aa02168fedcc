package dev.hearth.eventsources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.sqs.spi.MessageAttribute;
import dev.hearth.sqs.spi.MessageDigests;
import dev.hearth.sqs.spi.ReceivedMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lambda's SQS event and the answer a function gives to it. The event is {@code {"Records": [...]}},
 * each record with {@code messageId}, {@code receiptHandle}, {@code body}, {@code attributes}
 * ({@code ApproximateReceiveCount}, {@code SentTimestamp}, {@code SenderId}, {@code
 * ApproximateFirstReceiveTimestamp}, and for FIFO queues {@code MessageGroupId}, {@code
 * SequenceNumber}, {@code MessageDeduplicationId}), {@code messageAttributes} (in Lambda's shape:
 * {@code stringValue}, {@code binaryValue} in base64, {@code stringListValues}, {@code
 * binaryListValues}, {@code dataType}), {@code md5OfBody}, {@code md5OfMessageAttributes} (when there
 * are attributes), {@code eventSource} {@code aws:sqs}, {@code eventSourceARN} and {@code awsRegion}.
 * Stateless.
 */
final class SqsEvent {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private SqsEvent() {}

    /** The event's bytes for a batch of messages of queue {@code queueArn}. */
    static byte[] of(List<ReceivedMessage> messages, String queueArn, String region, String senderId) {
        return of(messages.stream().map(m -> record(m, queueArn, region, senderId)).toList());
    }

    /** The event's bytes for records made by {@link #record}. */
    static byte[] of(List<ObjectNode> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        records.forEach(array::add);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an SQS event", e);
        }
    }

    /** One message's record. */
    static ObjectNode record(ReceivedMessage message, String queueArn, String region, String senderId) {
        ObjectNode record = JSON.createObjectNode();
        record.put("messageId", message.messageId());
        record.put("receiptHandle", message.receiptHandle());
        record.put("body", message.body());
        ObjectNode attributes = record.putObject("attributes");
        attributes.put("ApproximateReceiveCount", Integer.toString(message.receiveCount()));
        attributes.put("SentTimestamp", Long.toString(message.sentAt().toEpochMilli()));
        attributes.put("SenderId", senderId);
        attributes.put("ApproximateFirstReceiveTimestamp", Long.toString(message.firstReceivedAt().toEpochMilli()));
        message.sequenceNumber().ifPresent(v -> attributes.put("SequenceNumber", v));
        message.groupId().ifPresent(v -> attributes.put("MessageGroupId", v));
        message.deduplicationId().ifPresent(v -> attributes.put("MessageDeduplicationId", v));
        message.traceHeader().ifPresent(v -> attributes.put("AWSTraceHeader", v));
        message.deadLetterSourceQueue().ifPresent(v -> attributes.put("DeadLetterQueueSourceArn",
                queueArn.substring(0, queueArn.lastIndexOf(':') + 1) + v));
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        for (Map.Entry<String, MessageAttribute> entry : new TreeMap<>(message.attributes()).entrySet()) {
            MessageAttribute value = entry.getValue();
            ObjectNode shape = messageAttributes.putObject(entry.getKey());
            if (value.isBinary()) {
                shape.put("binaryValue", Base64.getEncoder().encodeToString(value.binaryValue()));
            } else {
                shape.put("stringValue", value.stringValue());
            }
            shape.putArray("stringListValues");
            shape.putArray("binaryListValues");
            shape.put("dataType", value.dataType());
        }
        record.put("md5OfBody", MessageDigests.ofBody(message.body()));
        if (!message.attributes().isEmpty()) {
            record.put("md5OfMessageAttributes", MessageDigests.ofAttributes(message.attributes()));
        }
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", queueArn);
        record.put("awsRegion", region);
        return record;
    }

    /**
     * The message ids a function reported as failed in {@code {"batchItemFailures": [{"itemIdentifier":
     * ID}, ...]}}; empty when it reported none (an empty or null list, an empty answer, or an answer
     * without the member, as Lambda reads them).
     *
     * @return empty when the answer is malformed (not JSON, an item without an id, an id not of the
     *     batch): Lambda then takes the whole batch as failed
     */
    static Optional<Set<String>> failedItems(byte[] answer, Set<String> batchIds) {
        String text = new String(answer, StandardCharsets.UTF_8).strip();
        if (text.isEmpty() || text.equals("null")) {
            return Optional.of(Set.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.of(Set.of());
        }
        JsonNode failures = root.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Optional.of(Set.of());
        }
        if (!failures.isArray()) {
            return Optional.empty();
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !batchIds.contains(id.asText())) {
                return Optional.empty();
            }
            ids.add(id.asText());
        }
        return Optional.of(ids);
    }
}
