package dev.hearth.sqs.spi;

import java.util.Objects;

/**
 * A refusal or failure of a {@link MessageQueues} operation; {@link #kind()} says which, so the API
 * layer can answer with SQS's error.
 */
public final class MessageQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The named queue does not exist. */
        QUEUE_DOES_NOT_EXIST,
        /** A queue of that name exists with other settings. */
        QUEUE_NAME_EXISTS,
        /** The receipt handle is malformed, or was not issued by this queue. */
        RECEIPT_HANDLE_INVALID,
        /** The receipt handle's message is gone, or was received again since. */
        RECEIPT_HANDLE_STALE,
        /** The message is not in flight (it is visible). */
        MESSAGE_NOT_IN_FLIGHT,
        /** A message cannot be sent as it is (e.g. a FIFO message without a deduplication id). */
        INVALID_MESSAGE,
        /** The database failed. */
        STORAGE_FAILURE
    }

    private final Kind kind;

    public MessageQueueException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public MessageQueueException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    public static MessageQueueException noQueue(String name) {
        return new MessageQueueException(Kind.QUEUE_DOES_NOT_EXIST, "The specified queue does not exist: " + name);
    }
}
