package dev.hearth.worker;

import java.util.Objects;
import java.util.Optional;

/**
 * One synchronous invocation to run.
 *
 * @param requestId the request id ({@code Lambda-Runtime-Aws-Request-Id}, {@code x-amzn-RequestId})
 * @param payload the event bytes
 * @param clientContextBase64 {@code X-Amz-Client-Context} as the caller sent it (base64 of JSON)
 * @param invokedFunctionArn the ARN the caller invoked (with the qualifier or alias it used)
 * @param tailLog whether the caller asked for {@code LogType: Tail}
 * @param traceHeader the caller's {@code X-Amzn-Trace-Id}, continued in the function's trace header
 */
public record InvocationRequest(
        String requestId,
        byte[] payload,
        Optional<String> clientContextBase64,
        String invokedFunctionArn,
        boolean tailLog,
        Optional<String> traceHeader) {

    public InvocationRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(clientContextBase64, "clientContextBase64");
        Objects.requireNonNull(invokedFunctionArn, "invokedFunctionArn");
        Objects.requireNonNull(traceHeader, "traceHeader");
    }

    /** An invocation whose caller sent no trace header. */
    public InvocationRequest(String requestId, byte[] payload, Optional<String> clientContextBase64,
            String invokedFunctionArn, boolean tailLog) {
        this(requestId, payload, clientContextBase64, invokedFunctionArn, tailLog, Optional.empty());
    }
}
