package dev.hearth.sqs.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a receive asks for.
 *
 * @param maxMessages at most this many messages (1 to 10 in SQS's API)
 * @param visibilityTimeout how long received messages stay hidden; empty: the queue's
 * @param waitTime how long to wait for a first message when none is visible (long polling); empty: the
 *     queue's {@code ReceiveMessageWaitTimeSeconds}
 */
public record ReceiveRequest(int maxMessages, Optional<Duration> visibilityTimeout, Optional<Duration> waitTime) {
    public ReceiveRequest {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1");
        }
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(waitTime, "waitTime");
    }

    /** Up to {@code maxMessages}, the queue's visibility timeout, no waiting. */
    public static ReceiveRequest now(int maxMessages) {
        return new ReceiveRequest(maxMessages, Optional.empty(), Optional.of(Duration.ZERO));
    }

    public ReceiveRequest withVisibility(Duration value) {
        return new ReceiveRequest(maxMessages, Optional.of(value), waitTime);
    }

    public ReceiveRequest withWait(Duration value) {
        return new ReceiveRequest(maxMessages, visibilityTimeout, Optional.of(value));
    }
}
