package dev.hearth.scheduler;

import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the schedules of one account in one region, durably and at least once. Each schedule's row
 * holds the nominal time of its next fire; a fire that is due is delivered to the {@link
 * ScheduleTarget} (an asynchronous invocation) and only then is the following fire written, so a fire
 * interrupted by a crash is delivered again after the restart. A fire that is older than the target's
 * {@code MaximumEventAgeInSeconds} when the engine gets to it (the server was down) is not delivered:
 * it goes to the target's dead-letter queue if it has one, else it is dropped and counted. A refused
 * invocation is retried with exponential backoff (1 s doubling up to a minute) while it is a throttle
 * or a service error and {@code MaximumRetryAttempts} and the event's age allow, else dead-lettered.
 * A one-time schedule with {@code ActionAfterCompletion DELETE} is deleted after its fire.
 *
 * <p>Time only comes from the injected {@link InstantSource}; fires happen in {@link #runDue}, which
 * {@link #start} runs every tick on the given executor (tests call it directly).
 *
 * <p>Threading: thread-safe; fires are made by one thread at a time. Lifecycle: {@link #close} stops
 * firing and closes the database.
 */
public final class ScheduleEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleEngine.class);
    private static final int BATCH = 100;
    /** Fires skipped in one catch-up beyond which they are counted as dropped without a dead letter each. */
    private static final int MAX_DEAD_LETTERS_PER_CATCH_UP = 100;
    private static final int MAX_CATCH_UP_STEPS = 100_000;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final SqliteSchedules store;
    private final AccountContext scope;
    private final InstantSource clock;
    private final ScheduleTarget target;
    private final DeadLetterQueue deadLetters;
    private final ReentrantLock firing = new ReentrantLock();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile ScheduledFuture<?> ticking;
    private boolean closed;

    private ScheduleEngine(SqliteSchedules store, AccountContext scope, InstantSource clock, ScheduleTarget target,
            DeadLetterQueue deadLetters) {
        this.store = store;
        this.scope = scope;
        this.clock = clock;
        this.target = target;
        this.deadLetters = deadLetters;
    }

    /**
     * Opens (creating if need be) the schedules' database {@code file} of {@code scope}.
     *
     * @throws IllegalStateException when the database cannot be opened or migrated
     */
    public static ScheduleEngine open(Path file, AccountContext scope, InstantSource clock, ScheduleTarget target,
            DeadLetterQueue deadLetters) {
        return new ScheduleEngine(SqliteSchedules.open(file, clock.millis()), scope, clock, target, deadLetters);
    }

    /** Runs {@link #runDue} every {@code tick} on {@code executor} (which the caller owns), starting now. */
    public void start(ScheduledExecutorService executor, Duration tick) {
        ticking = executor.scheduleWithFixedDelay(() -> {
            try {
                runDue();
            } catch (RuntimeException e) {
                LOG.error("Firing the schedules of {} failed; trying again in {}", scope, tick, e);
            }
        }, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The API operations over this engine's schedules. */
    public Schedules schedules() {
        return new Schedules(store, scope, clock);
    }

    /**
     * Delivers (or dead-letters, or drops) every fire due now, until none is.
     *
     * @return how many fires were handled
     */
    public int runDue() {
        firing.lock();
        try {
            int handled = 0;
            while (!closed) {
                long now = clock.millis();
                List<SqliteSchedules.Row> due = store.due(now, BATCH);
                if (due.isEmpty()) {
                    break;
                }
                for (SqliteSchedules.Row row : due) {
                    fire(row, now);
                    handled++;
                }
            }
            return handled;
        } finally {
            firing.unlock();
        }
    }

    /** Fires delivered to the target. */
    public long delivered() {
        return delivered.get();
    }

    /** Fires neither delivered nor dead-lettered (too old with no DLQ, refused with no DLQ, or the DLQ failed). */
    public long dropped() {
        return dropped.get();
    }

    /** Fires sent to a dead-letter queue. */
    public long deadLettered() {
        return deadLettered.get();
    }

    private void fire(SqliteSchedules.Row row, long now) {
        ScheduleSpec spec = row.spec();
        long fireMs = row.nextFireMs();
        ScheduleSpec.RetryPolicy retry = spec.target().retryPolicy();
        long maxAgeMs = retry.maximumEventAgeInSeconds() * 1000L;
        if (now - fireMs > maxAgeMs) {
            catchUp(row, now, maxAgeMs);
            return;
        }
        try {
            target.invokeAsync(spec.target().arn(), payload(spec));
            delivered.incrementAndGet();
            advancePast(row, fireMs);
        } catch (LambdaException e) {
            int attempts = row.attempts() + 1;
            if (retryable(e) && attempts <= retry.maximumRetryAttempts()) {
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(attempts - 1, 16));
                LOG.debug("Schedule {}/{}: invoking {} failed ({}); attempt {} in {} ms", row.group(), row.name(),
                        spec.target().arn(), e.getMessage(), attempts + 1, backoff);
                store.advance(row.id(), row.revision(), fireMs, now + backoff, attempts);
                return;
            }
            deadLetter(row, fireMs, e.type().name(), e.getMessage(),
                    retryable(e) ? "MaximumRetryAttempts" : null, row.attempts());
            advancePast(row, fireMs);
        }
    }

    /** Skips every fire older than the maximum age (each dead-lettered or dropped) up to the first one young enough. */
    private void catchUp(SqliteSchedules.Row row, long now, long maxAgeMs) {
        Long next = row.nextFireMs();
        int skipped = 0;
        while (next != null && now - next > maxAgeMs && skipped < MAX_CATCH_UP_STEPS) {
            if (skipped < MAX_DEAD_LETTERS_PER_CATCH_UP) {
                deadLetter(row, next, "EventAgeExceeded", "The event was older than MaximumEventAgeInSeconds ("
                        + maxAgeMs / 1000 + ") when Hearth could deliver it.", "MaximumEventAgeInSeconds", row.attempts());
            } else {
                dropped.incrementAndGet();
            }
            skipped++;
            next = nextFire(row.spec(), row.createdMs(), next).orElse(null);
        }
        if (next != null && now - next > maxAgeMs) {
            // a very long outage: jump to the first fire young enough
            next = nextFire(row.spec(), row.createdMs(), now - maxAgeMs).orElse(null);
        }
        LOG.warn("Schedule {}/{}: {} fire(s) older than MaximumEventAgeInSeconds not delivered", row.group(), row.name(),
                skipped);
        complete(row, next);
    }

    private void advancePast(SqliteSchedules.Row row, long fireMs) {
        complete(row, nextFire(row.spec(), row.createdMs(), fireMs).orElse(null));
    }

    private void complete(SqliteSchedules.Row row, Long next) {
        if (next == null && row.spec().deleteAfterCompletion()) {
            store.deleteCompleted(row.id(), row.revision());
        } else {
            store.advance(row.id(), row.revision(), next, next, 0);
        }
    }

    private void deadLetter(SqliteSchedules.Row row, long fireMs, String errorCode, String errorMessage,
            String exhaustedCondition, int retries) {
        Optional<String> queue = row.spec().deadLetterQueue();
        if (queue.isEmpty()) {
            dropped.incrementAndGet();
            LOG.warn("Schedule {}/{}: the fire of {} was not delivered ({}: {}) and has no dead-letter queue", row.group(),
                    row.name(), Instant.ofEpochMilli(fireMs), errorCode, errorMessage);
            return;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("ERROR_CODE", errorCode);
        attributes.put("ERROR_MESSAGE", errorMessage);
        if (exhaustedCondition != null) {
            attributes.put("EXHAUSTED_RETRY_CONDITION", exhaustedCondition);
        }
        attributes.put("RETRY_ATTEMPTS", Integer.toString(retries));
        attributes.put("SCHEDULE_ARN", Schedules.scheduleArn(scope, row.group(), row.name()));
        attributes.put("TARGET_ARN", row.spec().target().arn());
        try {
            deadLetters.send(queue.get(), new String(payload(row.spec()), StandardCharsets.UTF_8), attributes);
            deadLettered.incrementAndGet();
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
            LOG.warn("Schedule {}/{}: the fire of {} could not be sent to its dead-letter queue {}: {}", row.group(),
                    row.name(), Instant.ofEpochMilli(fireMs), queue.get(), e.getMessage());
        }
    }

    private static boolean retryable(LambdaException e) {
        return e.httpStatus() >= 500 || e.httpStatus() == 429 || switch (e.type()) {
            case ThrottlingException, TooManyRequestsException -> true;
            default -> false;
        };
    }

    private static byte[] payload(ScheduleSpec spec) {
        return (spec.target().input() == null ? "{}" : spec.target().input()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The first fire of {@code spec} strictly after {@code afterMs}, within its StartDate and EndDate
     * (which a one-time schedule ignores, as EventBridge Scheduler does); empty when there is none. A
     * rate's periods start at the StartDate, else at the creation (its first fire).
     */
    static Optional<Long> nextFire(ScheduleSpec spec, long createdMs, long afterMs) {
        ScheduleExpression expression = ScheduleExpression.parse(spec.scheduleExpression());
        ZoneId zone = ZoneId.of(spec.scheduleExpressionTimezone());
        Long start = expression.oneTime() ? null : spec.startDate();
        Long end = expression.oneTime() ? null : spec.endDate();
        Instant anchor = Instant.ofEpochMilli(start != null ? start : createdMs);
        long after = start != null ? Math.max(afterMs, start - 1) : afterMs;
        return expression.nextAfter(Instant.ofEpochMilli(after), zone, anchor).map(Instant::toEpochMilli)
                .filter(next -> end == null || next <= end);
    }

    @Override
    public void close() {
        ScheduledFuture<?> task = ticking;
        if (task != null) {
            task.cancel(false);
        }
        firing.lock();
        try {
            closed = true;
            store.close();
        } finally {
            firing.unlock();
        }
    }
}
