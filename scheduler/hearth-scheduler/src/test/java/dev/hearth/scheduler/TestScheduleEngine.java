package dev.hearth.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestScheduleEngine {
    private static final AccountContext SCOPE = new AccountContext("eu-west-1", "123456789012");
    private static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:tick";
    private static final String ROLE = "arn:aws:iam::123456789012:role/scheduler";
    private static final String DLQ = "arn:aws:sqs:eu-west-1:123456789012:schedule-dlq";
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    /** What the target received: the clock's time and the payload of each invocation. */
    private final List<String> invocations = new ArrayList<>();
    /** Refusals the target answers with, one per invocation, before it accepts again. */
    private final Deque<RuntimeException> refusals = new ArrayDeque<>();
    private final List<Map<String, String>> deadLetters = new ArrayList<>();
    private ScheduleEngine engine;

    private ScheduleEngine open() {
        engine = ScheduleEngine.open(dir.resolve("schedules.db"), SCOPE, clock, (arn, payload) -> {
            assertThat(arn).isEqualTo(FUNCTION);
            invocations.add(clock.instant() + " " + new String(payload, StandardCharsets.UTF_8));
            RuntimeException refusal = refusals.poll();
            if (refusal != null) {
                throw refusal;
            }
        }, (queue, body, attributes) -> {
            assertThat(queue).isEqualTo(DLQ);
            deadLetters.add(attributes);
        });
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Schedules.ScheduleInput input(String expression, Integer maxAgeSeconds, String deadLetterQueue,
            String action) {
        return new Schedules.ScheduleInput(null, expression, null, null, null, null, null,
                new ScheduleSpec.FlexibleTimeWindow("OFF", null),
                new ScheduleSpec.Target(FUNCTION, ROLE, "{\"n\":1}", new ScheduleSpec.RetryPolicy(maxAgeSeconds, 3),
                        deadLetterQueue == null ? null : new ScheduleSpec.DeadLetterConfig(deadLetterQueue)),
                action, null, null);
    }

    private void advanceAndRun(Duration step) {
        clock.advance(step);
        engine.runDue();
    }

    @Test
    void rateOfOneMinuteFiresOnTimeOverSeveralMinutes() {
        open().schedules().create("every-minute", input("rate(1 minute)", null, null, null));
        engine.runDue();
        for (int second = 0; second < 330; second += 15) {
            advanceAndRun(Duration.ofSeconds(15));
        }
        assertThat(invocations).containsExactly("2026-06-01T10:00:00Z {\"n\":1}", "2026-06-01T10:01:00Z {\"n\":1}",
                "2026-06-01T10:02:00Z {\"n\":1}", "2026-06-01T10:03:00Z {\"n\":1}", "2026-06-01T10:04:00Z {\"n\":1}",
                "2026-06-01T10:05:00Z {\"n\":1}");
        assertThat(engine.delivered()).isEqualTo(6);
        assertThat(engine.dropped()).isZero();
    }

    @Test
    void aFireInterruptedBeforeItsProgressIsStoredIsDeliveredAgainAfterARestart() {
        open().schedules().create("every-minute", input("rate(1 minute)", null, null, null));
        engine.runDue();
        clock.advance(Duration.ofMinutes(1));
        // the server dies after the target accepted the 10:01 fire but before the next fire was written
        refusals.add(new IllegalStateException("killed"));
        assertThatThrownBy(engine::runDue).hasMessage("killed");
        engine.close();

        open().runDue();
        assertThat(invocations).containsExactly("2026-06-01T10:00:00Z {\"n\":1}", "2026-06-01T10:01:00Z {\"n\":1}",
                "2026-06-01T10:01:00Z {\"n\":1}");
        advanceAndRun(Duration.ofMinutes(1));
        assertThat(invocations).hasSize(4).last().isEqualTo("2026-06-01T10:02:00Z {\"n\":1}");
    }

    @Test
    void firesMissedWhileDownAreDeliveredOnRestartWhenYoungerThanTheirMaximumAge() {
        open().schedules().create("every-minute", input("rate(1 minute)", 600, null, null));
        engine.runDue();
        engine.close();
        clock.advance(Duration.ofMinutes(3).plusSeconds(30)); // down from 10:00 to 10:03:30

        open().runDue();
        assertThat(invocations).hasSize(4); // 10:00, then 10:01, 10:02 and 10:03 on restart
        assertThat(engine.delivered()).isEqualTo(3);
        assertThat(engine.dropped()).isZero();
    }

    @Test
    void firesMissedWhileDownOlderThanTheirMaximumAgeAreDroppedOrDeadLettered() {
        Schedules schedules = open().schedules();
        schedules.create("dropped", input("rate(1 minute)", 60, null, null));
        schedules.create("dead-lettered", input("rate(1 minute)", 60, DLQ, null));
        engine.runDue();
        engine.close();
        invocations.clear();
        clock.advance(Duration.ofMinutes(10).plusSeconds(30)); // down until 10:10:30: fires up to 10:09 are too old

        open().runDue();
        // each schedule: 10:01 to 10:09 older than 60 s (9 fires), 10:10 delivered
        assertThat(invocations).containsExactly("2026-06-01T10:10:30Z {\"n\":1}", "2026-06-01T10:10:30Z {\"n\":1}");
        assertThat(engine.dropped()).isEqualTo(9);
        assertThat(engine.deadLettered()).isEqualTo(9);
        assertThat(deadLetters.getFirst()).containsEntry("EXHAUSTED_RETRY_CONDITION", "MaximumEventAgeInSeconds")
                .containsEntry("SCHEDULE_ARN", "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/dead-lettered")
                .containsEntry("TARGET_ARN", FUNCTION);
        advanceAndRun(Duration.ofSeconds(30));
        assertThat(invocations).hasSize(4);
    }

    @Test
    void refusedInvocationsAreRetriedWithBackoffThenDeadLettered() {
        open().schedules().create("retried", input("rate(1 hour)", null, DLQ, null));
        refusals.add(new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate exceeded"));
        refusals.add(new LambdaException(LambdaErrorType.ServiceException, "oops"));
        engine.runDue();
        advanceAndRun(Duration.ofMillis(999));
        assertThat(invocations).hasSize(1);
        advanceAndRun(Duration.ofMillis(1)); // the first retry after 1 s
        advanceAndRun(Duration.ofSeconds(2)); // the second after 2 s more: accepted
        assertThat(invocations).containsExactly("2026-06-01T10:00:00Z {\"n\":1}", "2026-06-01T10:00:01Z {\"n\":1}",
                "2026-06-01T10:00:03Z {\"n\":1}");
        assertThat(engine.delivered()).isEqualTo(1);

        // a refusal that is not a throttle or a service error is final: dead-lettered at once
        refusals.add(new LambdaException(LambdaErrorType.ResourceNotFoundException, "Function not found: " + FUNCTION));
        clock.advance(Duration.ofHours(1));
        engine.runDue();
        assertThat(deadLetters).singleElement().satisfies(attributes -> assertThat(attributes)
                .containsEntry("ERROR_CODE", "ResourceNotFoundException").doesNotContainKey("EXHAUSTED_RETRY_CONDITION"));
    }

    @Test
    void aOneTimeScheduleFiresOnceAndIsDeletedAfterwardsWhenAsked() {
        Schedules schedules = open().schedules();
        schedules.create("kept", input("at(2026-06-01T10:00:05)", null, null, "NONE"));
        schedules.create("deleted", input("at(2026-06-01T10:00:05)", null, null, "DELETE"));
        advanceAndRun(Duration.ofSeconds(4));
        assertThat(invocations).isEmpty();
        advanceAndRun(Duration.ofSeconds(1));
        advanceAndRun(Duration.ofMinutes(5));
        assertThat(invocations).hasSize(2);
        assertThat(schedules.get(null, "kept")).containsEntry("ScheduleExpression", "at(2026-06-01T10:00:05)");
        assertThatThrownBy(() -> schedules.get(null, "deleted")).isInstanceOf(LambdaException.class)
                .hasMessage("Schedule deleted does not exist.");
    }

    @Test
    void disabledSchedulesDoNotFireAndStartAndEndDatesBoundTheFires() {
        Schedules schedules = open().schedules();
        Schedules.ScheduleInput every = input("rate(1 minute)", null, null, null);
        schedules.create("disabled", new Schedules.ScheduleInput(null, every.scheduleExpression(), null, null, null, null,
                "DISABLED", every.flexibleTimeWindow(), every.target(), null, null, null));
        schedules.create("bounded", new Schedules.ScheduleInput(null, every.scheduleExpression(), null,
                BigDecimal.valueOf(T0.plusSeconds(120).getEpochSecond()), BigDecimal.valueOf(T0.plusSeconds(240).getEpochSecond()),
                null, null, every.flexibleTimeWindow(), every.target(), null, null, null));
        for (int minute = 0; minute < 6; minute++) {
            advanceAndRun(Duration.ofMinutes(1));
        }
        assertThat(invocations).containsExactly("2026-06-01T10:02:00Z {\"n\":1}", "2026-06-01T10:03:00Z {\"n\":1}",
                "2026-06-01T10:04:00Z {\"n\":1}");
        // a one-time schedule ignores StartDate and EndDate, as EventBridge Scheduler does
        schedules.create("once", new Schedules.ScheduleInput(null, "at(2026-06-01T10:06:30)", null,
                BigDecimal.valueOf(T0.plusSeconds(3600).getEpochSecond()), BigDecimal.valueOf(T0.plusSeconds(7200).getEpochSecond()),
                null, null, every.flexibleTimeWindow(), every.target(), null, null, null));
        advanceAndRun(Duration.ofSeconds(30));
        assertThat(invocations).hasSize(4).last().isEqualTo("2026-06-01T10:06:30Z {\"n\":1}");
        // enabling it by an update starts its fires from then, on its rate's minutes since its creation
        schedules.update("disabled", every);
        engine.runDue();
        assertThat(invocations).hasSize(4);
        advanceAndRun(Duration.ofSeconds(30));
        assertThat(invocations).hasSize(5).last().isEqualTo("2026-06-01T10:07:00Z {\"n\":1}");
    }
}
