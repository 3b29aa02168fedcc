package dev.hearth.queue.spi;

/**
 * The queue's store failed (I/O error, corrupt database, interrupted wait, closed queue). The
 * operation's outcome is unknown: an enqueue that throws this must not be acknowledged to the client.
 */
public final class EventQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventQueueException(String message, Throwable cause) {
        super(message, cause);
    }

    public EventQueueException(String message) {
        super(message);
    }
}
