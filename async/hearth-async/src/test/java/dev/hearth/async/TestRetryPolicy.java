package dev.hearth.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.queue.spi.QueuedEvent;
import dev.hearth.queue.spi.RetryCause;
import dev.hearth.worker.InvocationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TestRetryPolicy {
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final RetryPolicy LAMBDA = new RetryPolicy(AsyncConfig.defaults());
    private static final EventInvokeConfig DEFAULTS = EventInvokeConfig.defaults("f", "$LATEST");
    private static final AttemptOutcome FAILED = new AttemptOutcome.FunctionFailed(new InvocationResult(new byte[0],
            Optional.of("Unhandled"), Optional.empty(), "$LATEST", Duration.ZERO, Optional.empty(), 0));
    private static final AttemptOutcome THROTTLED = new AttemptOutcome.Throttled(
            new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded."));

    @Test
    void functionErrorsAreRetriedTwiceByDefaultAfterOneThenTwoMinutes() {
        assertThat(LAMBDA.decide(event(0, 0), DEFAULTS, FAILED))
                .isEqualTo(new Disposition.Retry(Duration.ofMinutes(1), RetryCause.FUNCTION_ERROR, "Unhandled: "));
        assertThat(LAMBDA.decide(event(1, 0), DEFAULTS, FAILED))
                .isEqualTo(new Disposition.Retry(Duration.ofMinutes(2), RetryCause.FUNCTION_ERROR, "Unhandled: "));
        assertThat(LAMBDA.decide(event(2, 0), DEFAULTS, FAILED))
                .isEqualTo(new Disposition.GiveUp(RecordCondition.RetriesExhausted));
    }

    @Test
    void zeroRetryAttemptsGiveUpAfterTheFirstFailure() {
        EventInvokeConfig none = new EventInvokeConfig("f", "$LATEST", Optional.of(0), Optional.empty(), Optional.empty(),
                Optional.empty(), T0);
        assertThat(LAMBDA.decide(event(0, 0), none, FAILED)).isEqualTo(new Disposition.GiveUp(RecordCondition.RetriesExhausted));
    }

    @Test
    void throttlesBackOffExponentiallyUpToTheMaximumWithoutCountingAttempts() {
        assertThat(((Disposition.Retry) LAMBDA.decide(event(2, 0), DEFAULTS, THROTTLED)).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(((Disposition.Retry) LAMBDA.decide(event(2, 3), DEFAULTS, THROTTLED)).delay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(((Disposition.Retry) LAMBDA.decide(event(0, 40), DEFAULTS, THROTTLED)).delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(((Disposition.Retry) LAMBDA.decide(event(0, 0), DEFAULTS, THROTTLED)).cause()).isEqualTo(RetryCause.SYSTEM);
        assertThat(LAMBDA.decide(event(0, 0), DEFAULTS, new AttemptOutcome.SystemFailed("ServiceException: no sandbox")))
                .isEqualTo(new Disposition.Retry(Duration.ofSeconds(1), RetryCause.SYSTEM, "ServiceException: no sandbox"));
    }

    @Test
    void eventsAreTooOldFromTheirMaximumAgeOn() {
        EventInvokeConfig minute = new EventInvokeConfig("f", "$LATEST", Optional.empty(), Optional.of(60), Optional.empty(),
                Optional.empty(), T0);
        assertThat(LAMBDA.tooOld(event(0, 0), minute, T0.plusSeconds(59))).isEmpty();
        assertThat(LAMBDA.tooOld(event(0, 0), minute, T0.plusSeconds(60)))
                .contains(new Disposition.GiveUp(RecordCondition.EventAgeExceeded));
        assertThat(LAMBDA.tooOld(event(0, 0), DEFAULTS, T0.plus(Duration.ofHours(6)).minusMillis(1))).isEmpty();
        assertThat(LAMBDA.tooOld(event(0, 0), DEFAULTS, T0.plus(Duration.ofHours(6)))).isPresent();
    }

    private static QueuedEvent event(int attempts, int systemRetries) {
        return new QueuedEvent("id", "f", "$LATEST", new byte[0], T0, attempts, systemRetries, T0, Optional.empty());
    }
}
