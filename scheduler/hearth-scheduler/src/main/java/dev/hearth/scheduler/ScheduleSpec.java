package dev.hearth.scheduler;

import java.util.Optional;

/**
 * What CreateSchedule and UpdateSchedule set on a schedule, after validation and with the defaults
 * filled in (state {@code ENABLED}, time zone {@code UTC}, action {@code NONE}, the retry policy's 86,400
 * seconds and 185 attempts). Stored as JSON in the schedule's row; {@code startDate} and {@code
 * endDate} are epoch milliseconds. Immutable.
 */
record ScheduleSpec(String scheduleExpression, String scheduleExpressionTimezone, Long startDate, Long endDate,
        String description, String state, FlexibleTimeWindow flexibleTimeWindow, Target target,
        String actionAfterCompletion, String kmsKeyArn) {

    static final int DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
    static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;

    /** {@code Mode} OFF or FLEXIBLE, with the window's length for FLEXIBLE. */
    record FlexibleTimeWindow(String mode, Integer maximumWindowInMinutes) {}

    /** The function to invoke, with the event, retries and dead-letter queue; {@code RoleArn} is kept, not used. */
    record Target(String arn, String roleArn, String input, RetryPolicy retryPolicy, DeadLetterConfig deadLetterConfig) {}

    record RetryPolicy(Integer maximumEventAgeInSeconds, Integer maximumRetryAttempts) {}

    record DeadLetterConfig(String arn) {}

    boolean enabled() {
        return "ENABLED".equals(state);
    }

    boolean deleteAfterCompletion() {
        return "DELETE".equals(actionAfterCompletion);
    }

    Optional<String> deadLetterQueue() {
        return Optional.ofNullable(target.deadLetterConfig()).map(DeadLetterConfig::arn);
    }
}
