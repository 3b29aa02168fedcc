package dev.hearth.sqs.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A message as one receive hands it out.
 *
 * @param receiptHandle what deletes it or changes its visibility, valid until it is received again
 * @param sentAt when it was first sent (kept when it moved to a dead-letter queue)
 * @param receiveCount how often it was received, this time included
 * @param firstReceivedAt when it was received the first time
 * @param deadLetterSourceQueue the queue it was moved from, when it reached this queue by redrive
 */
public record ReceivedMessage(String messageId, String receiptHandle, String body, Map<String, MessageAttribute> attributes,
        Instant sentAt, int receiveCount, Instant firstReceivedAt, Optional<String> groupId, Optional<String> deduplicationId,
        Optional<String> sequenceNumber, Optional<String> deadLetterSourceQueue, Optional<String> traceHeader) {}
