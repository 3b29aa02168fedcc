package dev.hearth.worker.runtimeapi;

import java.util.Objects;
import java.util.Optional;

/**
 * One event handed to the runtime on {@code GET /invocation/next}, with the values of Lambda's
 * {@code Lambda-Runtime-*} headers.
 *
 * @param requestId {@code Lambda-Runtime-Aws-Request-Id}
 * @param deadlineEpochMillis {@code Lambda-Runtime-Deadline-Ms}
 * @param invokedFunctionArn {@code Lambda-Runtime-Invoked-Function-Arn}
 * @param traceId {@code Lambda-Runtime-Trace-Id}
 * @param clientContext {@code Lambda-Runtime-Client-Context}: the client context as JSON text, when given
 * @param cognitoIdentity {@code Lambda-Runtime-Cognito-Identity}: JSON text, when given
 * @param payload the event, sent as the response body
 */
public record NextEvent(
        String requestId,
        long deadlineEpochMillis,
        String invokedFunctionArn,
        String traceId,
        Optional<String> clientContext,
        Optional<String> cognitoIdentity,
        byte[] payload) implements RuntimeApiSession.NextOutcome {

    public NextEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(invokedFunctionArn, "invokedFunctionArn");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(clientContext, "clientContext");
        Objects.requireNonNull(cognitoIdentity, "cognitoIdentity");
        Objects.requireNonNull(payload, "payload");
    }
}
