package dev.hearth.sqs.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A queue's settings, SQS's queue attributes in typed form. Validation of the ranges SQS allows is
 * the API layer's; this record only refuses what no queue can have.
 *
 * @param redriveAllowPolicy SQS's RedriveAllowPolicy JSON, kept as given
 */
public record QueueSettings(Duration visibilityTimeout, Duration retentionPeriod, Duration delay, Duration receiveWaitTime,
        int maximumMessageSize, Optional<RedrivePolicy> redrivePolicy, Optional<String> redriveAllowPolicy, boolean fifo,
        boolean contentBasedDeduplication) {
    /** SQS's defaults for a standard queue. */
    public static final QueueSettings DEFAULTS = new QueueSettings(Duration.ofSeconds(30), Duration.ofDays(4), Duration.ZERO,
            Duration.ZERO, 1_048_576, Optional.empty(), Optional.empty(), false, false);

    public QueueSettings {
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(retentionPeriod, "retentionPeriod");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(receiveWaitTime, "receiveWaitTime");
        Objects.requireNonNull(redrivePolicy, "redrivePolicy");
        Objects.requireNonNull(redriveAllowPolicy, "redriveAllowPolicy");
        if (visibilityTimeout.isNegative() || delay.isNegative() || receiveWaitTime.isNegative() || !retentionPeriod.isPositive()) {
            throw new IllegalArgumentException("negative durations or a retention period of zero");
        }
    }

    public QueueSettings withFifo(boolean fifo) {
        return new QueueSettings(visibilityTimeout, retentionPeriod, delay, receiveWaitTime, maximumMessageSize, redrivePolicy,
                redriveAllowPolicy, fifo, contentBasedDeduplication);
    }
}
