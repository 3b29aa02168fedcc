package dev.hearth.async;

import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.invocation.EventInvoker;
import dev.hearth.worker.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hand-written {@link EventInvoker}: each function follows a script of steps (succeed, fail,
 * throttle), then succeeds; while {@link #throttling} is set every call is throttled. Records every
 * call.
 */
final class ScriptedTarget implements EventInvoker {
    enum Step { SUCCEED, FAIL, THROTTLE }

    record Call(String function, String version, String requestId, String payload, Step step) {}

    final AtomicBoolean throttling = new AtomicBoolean();
    private final Map<String, Deque<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Step> afterScript = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    void script(String function, Step... steps) {
        scripts.put(function, new ArrayDeque<>(List.of(steps)));
    }

    void always(String function, Step step) {
        afterScript.put(function, step);
    }

    List<Call> calls(String function) {
        return calls.stream().filter(c -> c.function().equals(function)).toList();
    }

    List<Call> calls(String function, Step step) {
        return calls(function).stream().filter(c -> c.step() == step).toList();
    }

    @Override
    public InvocationResult invokeEvent(ResolvedFunction function, String requestId, byte[] payload) {
        String name = function.version().functionName();
        Step step;
        if (throttling.get()) {
            step = Step.THROTTLE;
        } else {
            Deque<Step> script = scripts.get(name);
            synchronized (this) {
                step = script == null || script.isEmpty() ? afterScript.getOrDefault(name, Step.SUCCEED) : script.poll();
            }
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        calls.add(new Call(name, function.version().version(), requestId, text, step));
        return switch (step) {
            case SUCCEED -> result("{\"handled\":" + (text.isEmpty() ? "null" : text) + "}", Optional.empty(), function);
            case FAIL -> result("{\"errorMessage\":\"boom " + requestId + "\",\"errorType\":\"ValueError\"}",
                    Optional.of("Unhandled"), function);
            case THROTTLE -> throw new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded.",
                    Map.of("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"));
        };
    }

    private static InvocationResult result(String body, Optional<String> error, ResolvedFunction function) {
        return new InvocationResult(body.getBytes(StandardCharsets.UTF_8), error, Optional.empty(),
                function.version().version(), Duration.ofMillis(1), Optional.empty(), 0);
    }
}
