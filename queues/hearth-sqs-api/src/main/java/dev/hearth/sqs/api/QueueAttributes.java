package dev.hearth.sqs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.sqs.spi.QueueCounts;
import dev.hearth.sqs.spi.QueueDescription;
import dev.hearth.sqs.spi.QueueSettings;
import dev.hearth.sqs.spi.RedrivePolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * SQS's queue attributes: reading the ones a client sets into {@link QueueSettings} (with SQS's
 * ranges and error codes) and writing a queue's attributes for GetQueueAttributes. Attributes of
 * features Hearth does not have (Policy, server-side encryption, FIFO high throughput) are accepted
 * and not kept. Stateless.
 */
final class QueueAttributes {
    /** Every attribute GetQueueAttributes knows, in the order {@code All} lists them. */
    static final List<String> READABLE = List.of("QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "VisibilityTimeout",
            "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy",
            "RedriveAllowPolicy", "FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled", "Policy",
            "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit");
    private static final Set<String> ACCEPTED_NOT_KEPT = Set.of("Policy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
            "SqsManagedSseEnabled", "DeduplicationScope", "FifoThroughputLimit");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private QueueAttributes() {}

    /**
     * {@code base} with {@code attributes} applied.
     *
     * @param creating whether the queue is being created (only then may FifoQueue be given)
     * @param deadLetterQueue the queue an ARN names, if it is one of the caller's
     */
    static QueueSettings apply(QueueSettings base, Map<String, String> attributes, boolean creating,
            Function<String, Optional<QueueDescription>> deadLetterQueue) {
        boolean fifo = base.fifo();
        if (creating && attributes.containsKey("FifoQueue")) {
            fifo = switch (attributes.get("FifoQueue")) {
                case "true" -> true;
                case "false" -> false;
                default -> throw SqsError.invalidAttributeValue("FifoQueue");
            };
        }
        Duration visibility = base.visibilityTimeout();
        Duration retention = base.retentionPeriod();
        Duration delay = base.delay();
        Duration wait = base.receiveWaitTime();
        int maxSize = base.maximumMessageSize();
        Optional<RedrivePolicy> redrive = base.redrivePolicy();
        Optional<String> redriveAllow = base.redriveAllowPolicy();
        boolean contentBased = base.contentBasedDeduplication();
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            String name = attribute.getKey();
            String value = attribute.getValue() == null ? "" : attribute.getValue();
            switch (name) {
                case "VisibilityTimeout" -> visibility = Duration.ofSeconds(number(name, value, 0, 43_200));
                case "MessageRetentionPeriod" -> retention = Duration.ofSeconds(number(name, value, 60, 1_209_600));
                case "DelaySeconds" -> delay = Duration.ofSeconds(number(name, value, 0, 900));
                case "ReceiveMessageWaitTimeSeconds" -> wait = Duration.ofSeconds(number(name, value, 0, 20));
                case "MaximumMessageSize" -> maxSize = (int) number(name, value, 1_024, 1_048_576);
                case "RedrivePolicy" -> redrive = value.isEmpty() ? Optional.empty()
                        : Optional.of(redrivePolicy(value, fifo, deadLetterQueue));
                case "RedriveAllowPolicy" -> redriveAllow = value.isEmpty() ? Optional.empty() : Optional.of(value);
                case "FifoQueue" -> {
                    if (!creating) {
                        throw SqsError.invalidAttributeName(name);
                    }
                }
                case "ContentBasedDeduplication" -> {
                    if (!fifo) {
                        throw SqsError.invalidAttributeName(name);
                    }
                    contentBased = switch (value) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> throw SqsError.invalidAttributeValue(name);
                    };
                }
                default -> {
                    if (!ACCEPTED_NOT_KEPT.contains(name)) {
                        throw SqsError.invalidAttributeName(name);
                    }
                }
            }
        }
        return new QueueSettings(visibility, retention, delay, wait, maxSize, redrive, redriveAllow, fifo, contentBased);
    }

    private static long number(String name, String value, long min, long max) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // not a number: invalid like a number out of range
        }
        throw SqsError.invalidAttributeValue(name);
    }

    private static RedrivePolicy redrivePolicy(String value, boolean fifo, Function<String, Optional<QueueDescription>> queues) {
        JsonNode policy;
        try {
            policy = JSON.readTree(value);
        } catch (IOException e) {
            throw SqsError.invalidParameter("RedrivePolicy", value, "Redrive policy is not a valid JSON map.");
        }
        if (policy == null || !policy.isObject() || !policy.hasNonNull("deadLetterTargetArn") || !policy.hasNonNull("maxReceiveCount")) {
            throw SqsError.invalidParameter("RedrivePolicy", value,
                    "Redrive policy does not contain mandatory attribute: " + (policy != null && policy.has("deadLetterTargetArn")
                            ? "maxReceiveCount" : "deadLetterTargetArn") + ".");
        }
        int maxReceiveCount;
        try {
            maxReceiveCount = Integer.parseInt(policy.get("maxReceiveCount").asText());
        } catch (NumberFormatException e) {
            maxReceiveCount = 0;
        }
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw SqsError.invalidParameter("RedrivePolicy", value,
                    "Invalid value for maxReceiveCount: " + policy.get("maxReceiveCount").asText()
                            + ", valid values are from 1 to 1000 both inclusive.");
        }
        String arn = policy.get("deadLetterTargetArn").asText();
        QueueDescription target = queues.apply(arn).orElseThrow(() -> SqsError.invalidParameter("RedrivePolicy", value,
                "Dead-letter target does not exist."));
        if (target.settings().fifo() != fifo) {
            throw SqsError.invalidParameter("RedrivePolicy", value, "Dead-letter queue must be same type of queue as the source.");
        }
        return new RedrivePolicy(target.name(), maxReceiveCount);
    }

    /** The attributes GetQueueAttributes answers for {@code names} (including {@code All}). */
    static Map<String, Object> read(QueueDescription queue, QueueCounts counts, List<String> names, String queueArn,
            Function<String, String> arnOfQueue) {
        Set<String> wanted = names.contains("All") ? Set.copyOf(READABLE) : Set.copyOf(names);
        for (String name : wanted) {
            if (!READABLE.contains(name)) {
                throw SqsError.invalidAttributeName(name);
            }
        }
        QueueSettings settings = queue.settings();
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("QueueArn", queueArn);
        all.put("ApproximateNumberOfMessages", String.valueOf(counts.visible()));
        all.put("ApproximateNumberOfMessagesNotVisible", String.valueOf(counts.inFlight()));
        all.put("ApproximateNumberOfMessagesDelayed", String.valueOf(counts.delayed()));
        all.put("CreatedTimestamp", String.valueOf(queue.created().getEpochSecond()));
        all.put("LastModifiedTimestamp", String.valueOf(queue.lastModified().getEpochSecond()));
        all.put("VisibilityTimeout", String.valueOf(settings.visibilityTimeout().toSeconds()));
        all.put("MaximumMessageSize", String.valueOf(settings.maximumMessageSize()));
        all.put("MessageRetentionPeriod", String.valueOf(settings.retentionPeriod().toSeconds()));
        all.put("DelaySeconds", String.valueOf(settings.delay().toSeconds()));
        all.put("ReceiveMessageWaitTimeSeconds", String.valueOf(settings.receiveWaitTime().toSeconds()));
        settings.redrivePolicy().ifPresent(policy -> all.put("RedrivePolicy", "{\"deadLetterTargetArn\":\""
                + arnOfQueue.apply(policy.deadLetterQueue()) + "\",\"maxReceiveCount\":" + policy.maxReceiveCount() + "}"));
        settings.redriveAllowPolicy().ifPresent(policy -> all.put("RedriveAllowPolicy", policy));
        if (settings.fifo()) {
            all.put("FifoQueue", "true");
            all.put("ContentBasedDeduplication", String.valueOf(settings.contentBasedDeduplication()));
        }
        all.put("SqsManagedSseEnabled", "false");
        all.keySet().retainAll(wanted);
        return all;
    }
}
