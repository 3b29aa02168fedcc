package dev.hearth.queue.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The durable internal queue of accepted asynchronous invocations.
 *
 * <p><b>Durability.</b> {@link #enqueue} returns only once the event is committed to the store; from
 * then on the event survives a crash of the process (and, depending on the implementation's
 * configuration, of the machine) until it is completed, dead-lettered and deleted.
 *
 * <p><b>Delivery.</b> At least once. {@link #lease} hands visible events to one poller for a lease
 * duration; while leased, no other {@code lease} call returns them. The holder then
 * {@linkplain #complete completes}, {@linkplain #release releases} for a retry,
 * {@linkplain #moveToDeadLetters dead-letters} or {@linkplain #extendLease extends} it. A lease that
 * expires makes the event visible again, so a crashed poller's events are redelivered; a poller that
 * outlives its lease may therefore run an event that another poller also runs.
 *
 * <p><b>Tokens.</b> Each lease has a fresh {@link LeaseToken}. A token is honoured while it is the
 * event's current one: until the event is completed, released, dead-lettered, or leased again (which
 * can only happen after the lease expired). An operation given a token that is no longer current
 * changes nothing and returns {@code false}.
 *
 * <p><b>Order.</b> Roughly first in, first out: {@code lease} returns the events that became visible
 * earliest first, ties broken by acceptance order. No ordering is promised between events leased by
 * different pollers.
 *
 * <p><b>Time.</b> Every instant (acceptance, visibility, lease expiry, dead-lettering) comes from the
 * clock the implementation was given, so tests move time instead of waiting.
 *
 * <p><b>Threading.</b> Implementations are thread-safe; any number of threads may call any method at
 * once. Calls block the calling thread until the store answered, so callers on virtual threads are
 * the norm.
 *
 * <p><b>Failure.</b> A failure of the store is thrown as {@link EventQueueException}; arguments that
 * break the documented rules are thrown as {@link IllegalArgumentException}.
 */
public interface EventQueue extends AutoCloseable {

    /**
     * Stores an event, visible at once with no attempts. Returns once the event is durable.
     *
     * @throws DuplicateEventException if an event with this id is pending, leased or a dead letter
     * @throws EventQueueException if the store failed; the event may or may not have been stored
     */
    void enqueue(NewEvent event);

    /**
     * Leases up to {@code maxEvents} visible events (visible at or before now) for
     * {@code leaseDuration}, earliest visible first. Returns an empty list when none is visible; never
     * waits for events to arrive.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is not positive or the duration is not positive
     */
    List<Lease> lease(int maxEvents, Duration leaseDuration);

    /**
     * Pushes the lease's expiry to now plus {@code leaseDuration}, for a poller whose invocation runs
     * longer than it first leased for.
     *
     * @return {@code false} if the token is no longer current
     */
    boolean extendLease(LeaseToken token, Duration leaseDuration);

    /**
     * Deletes the leased event: it was delivered (or sent to its destination) and is done with.
     *
     * @return {@code false} if the token is no longer current (the event was not deleted)
     */
    boolean complete(LeaseToken token);

    /**
     * Ends the lease and makes the event visible again after {@code delay}, adding one to
     * {@link QueuedEvent#attempts()} or {@link QueuedEvent#systemRetries()} as {@code cause} says and
     * recording {@code error} as its last error.
     *
     * @param delay zero or more
     * @return {@code false} if the token is no longer current
     */
    boolean release(LeaseToken token, Duration delay, RetryCause cause, String error);

    /**
     * Moves the leased event to the dead letters with a reason; it is no longer delivered.
     *
     * @return {@code false} if the token is no longer current
     */
    boolean moveToDeadLetters(LeaseToken token, String reason);

    /** The pending or leased event with this id, if the queue holds one (dead letters excluded). */
    Optional<QueuedEvent> find(String eventId);

    /**
     * Dead letters in the order they were moved, oldest first: up to {@code maxItems} of them, starting
     * after the dead letter with id {@code afterEventId} (from the start when empty). Pages stay
     * consistent while dead letters are added; if {@code afterEventId} no longer exists, listing
     * starts from the beginning.
     *
     * @throws IllegalArgumentException if {@code maxItems} is not positive
     */
    List<DeadLetter> listDeadLetters(Optional<String> afterEventId, int maxItems);

    /** The dead letter with this id, if there is one. */
    Optional<DeadLetter> findDeadLetter(String eventId);

    /**
     * Puts a dead letter back on the queue as if it had just been accepted: visible now, enqueued now
     * (so its age starts again), no attempts, no last error.
     *
     * @return {@code false} if there is no dead letter with this id
     */
    boolean redrive(String eventId);

    /**
     * Deletes a dead letter for good.
     *
     * @return {@code false} if there is no dead letter with this id
     */
    boolean deleteDeadLetter(String eventId);

    /** How many events the queue holds, by state, as of now on the queue's clock. */
    QueueCounts counts();

    /**
     * Stops accepting calls and releases the store. Calls made after (or racing with) close throw
     * {@link EventQueueException}; events already enqueued stay durable. Idempotent.
     */
    @Override
    void close();
}
