package dev.hearth.async;

import dev.hearth.queue.spi.QueuedEvent;
import dev.hearth.queue.spi.RetryCause;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Lambda's retry rules for asynchronous invocations, as pure decisions:
 *
 * <ul>
 *   <li>a function error is retried while the event has failed fewer times than
 *       MaximumRetryAttempts, after the configured delays (Lambda: about 1, then 2 minutes), then
 *       given up on as {@code RetriesExhausted};
 *   <li>throttles and system errors are retried with exponential backoff, without a count;
 *   <li>an event as old as MaximumEventAgeInSeconds is given up on as {@code EventAgeExceeded} before
 *       it is run again.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
    private static final int MAX_ERROR_CHARS = 1_024;

    private final List<Duration> functionErrorDelays;
    private final Duration systemInitialDelay;
    private final Duration systemMaxDelay;

    public RetryPolicy(AsyncConfig config) {
        this.functionErrorDelays = config.functionErrorRetryDelays();
        this.systemInitialDelay = config.systemRetryInitialDelay();
        this.systemMaxDelay = config.systemRetryMaxDelay();
    }

    /** {@code EventAgeExceeded} when the event may no longer run at {@code now}. */
    public Optional<Disposition.GiveUp> tooOld(QueuedEvent event, EventInvokeConfig config, Instant now) {
        Instant deadline = event.enqueuedAt().plus(config.maximumEventAge());
        return now.isBefore(deadline) ? Optional.empty() : Optional.of(new Disposition.GiveUp(RecordCondition.EventAgeExceeded));
    }

    /** What to do after an attempt of {@code event} (as it was leased, before this attempt is counted). */
    public Disposition decide(QueuedEvent event, EventInvokeConfig config, AttemptOutcome outcome) {
        return switch (outcome) {
            case AttemptOutcome.Succeeded succeeded -> new Disposition.Complete(succeeded.result());
            case AttemptOutcome.FunctionFailed failed -> event.attempts() >= config.retryAttempts()
                    ? new Disposition.GiveUp(RecordCondition.RetriesExhausted)
                    : new Disposition.Retry(functionErrorDelay(event.attempts()), RetryCause.FUNCTION_ERROR,
                            describe(failed));
            case AttemptOutcome.Throttled throttled -> new Disposition.Retry(systemDelay(event.systemRetries()),
                    RetryCause.SYSTEM, throttled.error().type() + ": " + throttled.error().getMessage());
            case AttemptOutcome.SystemFailed system -> new Disposition.Retry(systemDelay(event.systemRetries()),
                    RetryCause.SYSTEM, system.error());
        };
    }

    /** The delay before retry number {@code failuresSoFar + 1} after a function error. */
    Duration functionErrorDelay(int failuresSoFar) {
        return functionErrorDelays.get(Math.min(failuresSoFar, functionErrorDelays.size() - 1));
    }

    /** The initial delay doubled per earlier system retry, at most the maximum. */
    Duration systemDelay(int retriesSoFar) {
        Duration delay = systemInitialDelay;
        for (int i = 0; i < retriesSoFar && delay.compareTo(systemMaxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(systemMaxDelay) > 0 ? systemMaxDelay : delay;
    }

    private static String describe(AttemptOutcome.FunctionFailed failed) {
        String body = new String(failed.result().payload(), StandardCharsets.UTF_8);
        if (body.length() > MAX_ERROR_CHARS) {
            body = body.substring(0, MAX_ERROR_CHARS) + "…";
        }
        return failed.result().functionError().orElseThrow() + ": " + body;
    }
}
