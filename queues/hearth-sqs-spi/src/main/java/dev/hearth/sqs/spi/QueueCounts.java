package dev.hearth.sqs.spi;

/**
 * A queue's messages by state at one moment.
 *
 * @param visible messages available for receive (SQS's ApproximateNumberOfMessages)
 * @param inFlight received and not yet deleted or visible again (ApproximateNumberOfMessagesNotVisible)
 * @param delayed sent and not yet visible (ApproximateNumberOfMessagesDelayed)
 */
public record QueueCounts(long visible, long inFlight, long delayed) {}
