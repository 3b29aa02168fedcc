package dev.hearth.queue.spi;

/**
 * How many events the queue holds, by state, at one moment.
 *
 * @param ready visible now, waiting for a poller
 * @param leased held by a poller whose lease has not expired
 * @param delayed released for a retry that is not due yet
 * @param deadLetters given up on
 */
public record QueueCounts(long ready, long leased, long delayed, long deadLetters) {
    public QueueCounts {
        if (ready < 0 || leased < 0 || delayed < 0 || deadLetters < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** Events still to be delivered: ready, leased and delayed (dead letters excluded). */
    public long depth() {
        return ready + leased + delayed;
    }
}
