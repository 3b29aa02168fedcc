package dev.hearth.sqs.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The queues of one (account, region), with SQS's semantics. Queues are named as in SQS ({@code
 * orders}, {@code orders.fifo}); a dead-letter queue is named in its source's {@link RedrivePolicy}
 * and must be a queue of the same {@code MessageQueues}.
 *
 * <p>Delivery: a message becomes visible after its delay; {@link #receive} hands out visible messages
 * and hides each for the visibility timeout, with a fresh receipt handle; {@link #delete} with the
 * latest receipt handle removes it for good. A message whose receive count reached its queue's
 * {@code maxReceiveCount} moves to the dead-letter queue instead of being delivered again. Messages
 * older than the queue's retention period are gone. In a FIFO queue the messages of one message group
 * are delivered in the order they were sent, and none of a group while an earlier one of it is in
 * flight; a send whose deduplication id was seen within the last {@link #DEDUPLICATION_WINDOW} is
 * acknowledged without being queued again.
 *
 * <p>Durability: when {@link #send} returns, the messages survive a crash of the process.
 *
 * <p>Threading: thread-safe. {@link #receive} may block up to the request's wait time (long polling);
 * a send to the queue in the same process wakes it. Time (delays, visibility, retention, the
 * deduplication window) comes from the implementation's injected clock; only the long-poll wait is
 * measured in real time.
 *
 * <p>Failure: every operation throws {@link MessageQueueException} with a {@link
 * MessageQueueException.Kind}; nothing is changed by an operation that throws.
 */
public interface MessageQueues extends AutoCloseable {
    /** How long a FIFO queue remembers a deduplication id, as SQS does. */
    Duration DEDUPLICATION_WINDOW = Duration.ofMinutes(5);

    /**
     * Creates a queue, or returns the existing one if it has exactly these settings (SQS's
     * idempotent CreateQueue); tags apply only to a queue this call creates.
     *
     * @throws MessageQueueException {@code QUEUE_NAME_EXISTS} when a queue of that name has other settings
     */
    QueueDescription createQueue(String name, QueueSettings settings, Map<String, String> tags);

    /** The queue of that name, if there is one. */
    Optional<QueueDescription> queue(String name);

    /** Queues whose names start with {@code prefix} (empty: all), sorted by name. */
    List<QueueDescription> queues(String prefix);

    /** Deletes a queue and its messages. @throws MessageQueueException {@code QUEUE_DOES_NOT_EXIST} */
    void deleteQueue(String name);

    /** Replaces a queue's settings (its FIFO-ness cannot change; the caller checks). */
    QueueDescription updateQueue(String name, QueueSettings settings);

    Map<String, String> tags(String queue);

    void tag(String queue, Map<String, String> tags);

    void untag(String queue, Set<String> keys);

    /**
     * Sends messages to a queue in one durable step: all are stored, or none.
     *
     * @return one result per message, in order (a FIFO duplicate's result names the original message)
     */
    List<SendResult> send(String queue, List<NewMessage> messages);

    /**
     * Receives up to {@code request.maxMessages()} visible messages, waiting up to {@code
     * request.waitTime()} for the first one to arrive.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    List<ReceivedMessage> receive(String queue, ReceiveRequest request) throws InterruptedException;

    /**
     * Deletes the message that {@code receiptHandle} was issued for. A handle of an earlier receive of
     * a message received again since, or of a message already deleted, deletes nothing (as in SQS).
     *
     * @throws MessageQueueException {@code RECEIPT_HANDLE_INVALID} when the handle is none this queue issued
     */
    void delete(String queue, String receiptHandle);

    /**
     * Deletes the messages of several receipt handles in one durable step, each as {@link #delete}
     * would; a handle this queue did not issue fails alone.
     *
     * @return per handle, in order: empty when done, else its {@code RECEIPT_HANDLE_INVALID} refusal
     * @throws MessageQueueException {@code QUEUE_DOES_NOT_EXIST}, {@code STORAGE_FAILURE} (then nothing is deleted)
     */
    List<Optional<MessageQueueException>> deleteAll(String queue, List<String> receiptHandles);

    /**
     * Makes an in-flight message visible again after {@code timeout} from now (zero: at once).
     *
     * @throws MessageQueueException {@code RECEIPT_HANDLE_INVALID}, {@code MESSAGE_NOT_IN_FLIGHT}
     *     (the message is visible), {@code RECEIPT_HANDLE_STALE} (deleted, or received again since)
     */
    void changeVisibility(String queue, String receiptHandle, Duration timeout);

    /** Deletes every message of a queue. */
    void purge(String queue);

    /** How many messages a queue holds, by state. */
    QueueCounts counts(String queue);

    /** The queues whose redrive policy names {@code deadLetterQueue}, sorted by name. */
    List<String> deadLetterSourceQueues(String deadLetterQueue);

    /** Releases the implementation's resources; messages stay stored. */
    @Override
    void close();
}
