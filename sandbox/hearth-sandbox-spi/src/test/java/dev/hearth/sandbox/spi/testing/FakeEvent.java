package dev.hearth.sandbox.spi.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Optional;

/**
 * One event a fake runtime got from {@code GET /invocation/next}, with Lambda's {@code
 * Lambda-Runtime-*} headers.
 *
 * @param sandbox the sandbox it runs in (to print log lines or report memory)
 * @param sequence 1 for the sandbox's first event, 2 for its second... (module state that survives
 *     between warm invocations, like a counter in a real function)
 * @param requestId {@code Lambda-Runtime-Aws-Request-Id}
 * @param deadlineEpochMillis {@code Lambda-Runtime-Deadline-Ms}
 * @param invokedFunctionArn {@code Lambda-Runtime-Invoked-Function-Arn}
 * @param clientContext {@code Lambda-Runtime-Client-Context}, when sent
 * @param payload the event
 */
public record FakeEvent(FakeSandbox sandbox, int sequence, String requestId, long deadlineEpochMillis,
        String invokedFunctionArn, Optional<String> clientContext, byte[] payload) {

    /** The payload as UTF-8 text. */
    public String payloadText() {
        return new String(payload, UTF_8);
    }

    /** Prints {@code line} and a newline to the sandbox's output, as the function's code would. */
    public void print(String line) {
        sandbox.print(line);
    }
}
