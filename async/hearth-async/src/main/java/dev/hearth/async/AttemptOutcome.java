package dev.hearth.async;

import dev.hearth.core.LambdaException;
import dev.hearth.worker.InvocationResult;
import java.util.Objects;

/** What happened when a poller tried to run an event once. */
public sealed interface AttemptOutcome {

    /** The function ran and returned a result. */
    record Succeeded(InvocationResult result) implements AttemptOutcome {
        public Succeeded {
            Objects.requireNonNull(result, "result");
        }
    }

    /** The function ran and failed (error, timeout, crash): counts against MaximumRetryAttempts. */
    record FunctionFailed(InvocationResult result) implements AttemptOutcome {
        public FunctionFailed {
            Objects.requireNonNull(result, "result");
            if (result.functionError().isEmpty()) {
                throw new IllegalArgumentException("a failed invocation's result carries a function error");
            }
        }
    }

    /** The invocation was throttled ({@code TooManyRequestsException}): retried until the event is too old. */
    record Throttled(LambdaException error) implements AttemptOutcome {
        public Throttled {
            Objects.requireNonNull(error, "error");
        }
    }

    /** The invocation could not run (no sandbox, worker failure): retried until the event is too old. */
    record SystemFailed(String error) implements AttemptOutcome {
        public SystemFailed {
            Objects.requireNonNull(error, "error");
        }
    }
}
