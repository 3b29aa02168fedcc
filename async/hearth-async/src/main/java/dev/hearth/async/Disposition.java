package dev.hearth.async;

import dev.hearth.queue.spi.RetryCause;
import dev.hearth.worker.InvocationResult;
import java.time.Duration;
import java.util.Objects;

/** What a poller does with an event after an attempt, as {@link RetryPolicy} decides. */
public sealed interface Disposition {

    /** Done: the event is deleted (after its OnSuccess destination, if any, got the record). */
    record Complete(InvocationResult result) implements Disposition {
        public Complete {
            Objects.requireNonNull(result, "result");
        }
    }

    /** Tried again after {@code delay}. */
    record Retry(Duration delay, RetryCause cause, String error) implements Disposition {
        public Retry {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(error, "error");
        }
    }

    /** Given up on: sent to the OnFailure destination, or kept as a dead letter. */
    record GiveUp(RecordCondition condition) implements Disposition {
        public GiveUp {
            Objects.requireNonNull(condition, "condition");
            if (condition == RecordCondition.Success) {
                throw new IllegalArgumentException("giving up is a failure condition");
            }
        }
    }
}
