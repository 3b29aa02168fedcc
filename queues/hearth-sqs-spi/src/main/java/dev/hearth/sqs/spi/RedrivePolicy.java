package dev.hearth.sqs.spi;

import java.util.Objects;

/**
 * Where a queue's messages go after too many receives.
 *
 * @param deadLetterQueue the name of the dead-letter queue (of the same account and region)
 * @param maxReceiveCount receives after which a message is moved instead of delivered again (1 or more)
 */
public record RedrivePolicy(String deadLetterQueue, int maxReceiveCount) {
    public RedrivePolicy {
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1");
        }
    }
}
