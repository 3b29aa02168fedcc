package dev.hearth.sqs.spi;

import java.util.Optional;

/**
 * The outcome of sending one message.
 *
 * @param messageId the message's id (for a FIFO duplicate: the original's)
 * @param sequenceNumber a FIFO message's sequence number (20 digits, increasing per queue)
 * @param duplicate whether a FIFO queue recognised the message as a duplicate and did not queue it again
 */
public record SendResult(String messageId, Optional<String> sequenceNumber, boolean duplicate) {}
