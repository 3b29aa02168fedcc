package dev.hearth.queue.spi;

/**
 * Thrown by {@link EventQueue#enqueue} when the queue already holds an event (pending, leased or dead
 * letter) with the same id. Request ids are generated unique, so this signals a bug upstream.
 */
public final class DuplicateEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DuplicateEventException(String eventId) {
        super("the queue already holds an event with id " + eventId);
    }
}
