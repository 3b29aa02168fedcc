package dev.hearth.async;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Lambda's event invoke config of one function qualifier: how events are retried and where their
 * outcomes go. Absent values mean Lambda's defaults.
 *
 * @param functionName the function's name
 * @param qualifier {@code $LATEST}, a version number or an alias name, as it was configured
 * @param maximumRetryAttempts retries after a function error, 0–2 (default 2)
 * @param maximumEventAgeInSeconds how old an event may get before it is given up on, 60–21600
 *     (default 21600)
 * @param onSuccess the ARN of the function that receives the invocation record of a success
 * @param onFailure the ARN of the function that receives the invocation record of an event given up on
 * @param lastModified when the config last changed
 */
public record EventInvokeConfig(
        String functionName,
        String qualifier,
        Optional<Integer> maximumRetryAttempts,
        Optional<Integer> maximumEventAgeInSeconds,
        Optional<String> onSuccess,
        Optional<String> onFailure,
        Instant lastModified) {

    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
    public static final int MAX_RETRY_ATTEMPTS = 2;
    public static final int DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;
    public static final int MIN_EVENT_AGE_SECONDS = 60;
    public static final int MAX_EVENT_AGE_SECONDS = 21_600;

    public EventInvokeConfig {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(maximumRetryAttempts, "maximumRetryAttempts");
        Objects.requireNonNull(maximumEventAgeInSeconds, "maximumEventAgeInSeconds");
        Objects.requireNonNull(onSuccess, "onSuccess");
        Objects.requireNonNull(onFailure, "onFailure");
        Objects.requireNonNull(lastModified, "lastModified");
        maximumRetryAttempts.ifPresent(n -> {
            if (n < 0 || n > MAX_RETRY_ATTEMPTS) {
                throw new IllegalArgumentException("maximumRetryAttempts must be 0-2, was " + n);
            }
        });
        maximumEventAgeInSeconds.ifPresent(n -> {
            if (n < MIN_EVENT_AGE_SECONDS || n > MAX_EVENT_AGE_SECONDS) {
                throw new IllegalArgumentException("maximumEventAgeInSeconds must be 60-21600, was " + n);
            }
        });
    }

    /** The config of a qualifier nobody configured: every value Lambda's default. */
    public static EventInvokeConfig defaults(String functionName, String qualifier) {
        return new EventInvokeConfig(functionName, qualifier, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Instant.EPOCH);
    }

    /** Retries allowed after function errors, the default applied. */
    public int retryAttempts() {
        return maximumRetryAttempts.orElse(DEFAULT_MAXIMUM_RETRY_ATTEMPTS);
    }

    /** The maximum event age, the default applied. */
    public Duration maximumEventAge() {
        return Duration.ofSeconds(maximumEventAgeInSeconds.orElse(DEFAULT_MAXIMUM_EVENT_AGE_SECONDS));
    }
}
