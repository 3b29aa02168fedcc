package dev.hearth.eventsources;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One event source mapping: a queue of this cell read in batches for one function.
 *
 * @param uuid the mapping's identifier
 * @param queueArn the queue's ARN ({@code arn:aws:sqs:REGION:ACCOUNT:NAME}), as given
 * @param queueName the queue's name in this cell's {@code MessageQueues}
 * @param functionName the function's unqualified name
 * @param qualifier the version or alias the mapping invokes, if the function was named with one
 * @param batchSize the most records one invocation gets (1–10,000; 10 for FIFO queues at most)
 * @param batchingWindowSeconds how long to gather records before invoking (0–300)
 * @param enabled whether the mapping polls
 * @param reportBatchItemFailures whether {@code FunctionResponseTypes} holds {@code ReportBatchItemFailures}
 * @param maximumConcurrency {@code ScalingConfig.MaximumConcurrency}, if set (2–1000)
 * @param filterCriteria {@code FilterCriteria} as the JSON the caller gave, if any (stored, not evaluated)
 * @param lastModified when the mapping was created or last changed
 */
public record EventSourceMapping(String uuid, String queueArn, String queueName, String functionName,
        Optional<String> qualifier, int batchSize, int batchingWindowSeconds, boolean enabled,
        boolean reportBatchItemFailures, Optional<Integer> maximumConcurrency, Optional<String> filterCriteria,
        Instant lastModified) {
    /** SQS's default batch size. */
    public static final int DEFAULT_BATCH_SIZE = 10;
    /** How many pollers a mapping without {@code MaximumConcurrency} runs at most (a Hearth limit). */
    public static final int DEFAULT_MAXIMUM_POLLERS = 5;

    public EventSourceMapping {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(queueArn, "queueArn");
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(maximumConcurrency, "maximumConcurrency");
        Objects.requireNonNull(filterCriteria, "filterCriteria");
        Objects.requireNonNull(lastModified, "lastModified");
    }

    /** How many pollers (each with at most one invocation running) the mapping may run at once. */
    public int maximumPollers() {
        return maximumConcurrency.orElse(DEFAULT_MAXIMUM_POLLERS);
    }
}
