package dev.hearth.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one invocation, as the Invoke API reports it.
 *
 * @param payload the response body: the function's result, or Lambda's error document
 * @param functionError {@code X-Amz-Function-Error}: {@code Unhandled} when the function failed
 * @param logTail the last 4 KB of the invocation's log (START to REPORT) as text, when asked for
 * @param executedVersion {@code X-Amz-Executed-Version}
 * @param duration time from handing the event to the runtime until its result
 * @param initDuration time the sandbox took to initialise, on a cold start only
 * @param maxMemoryUsedBytes the sandbox's peak memory so far (0 when the backend cannot tell)
 */
public record InvocationResult(
        byte[] payload,
        Optional<String> functionError,
        Optional<String> logTail,
        String executedVersion,
        Duration duration,
        Optional<Duration> initDuration,
        long maxMemoryUsedBytes) {

    public InvocationResult {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(functionError, "functionError");
        Objects.requireNonNull(logTail, "logTail");
        Objects.requireNonNull(executedVersion, "executedVersion");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(initDuration, "initDuration");
    }
}
