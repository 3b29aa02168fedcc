package dev.hearth.worker.runtimeapi;

/**
 * A status and JSON body that the Runtime API answers a runtime with, as Lambda's Runtime API does:
 * {@code 202 {"status":"OK"}} on success, {@code {"errorMessage":..., "errorType":...}} otherwise.
 *
 * @param status HTTP status
 * @param errorType empty for {@link #accepted()}
 * @param errorMessage empty for {@link #accepted()}
 */
public record RuntimeApiReply(int status, String errorType, String errorMessage)
        implements RuntimeApiSession.NextOutcome {

    private static final RuntimeApiReply ACCEPTED = new RuntimeApiReply(202, "", "");

    /** 202: the response, error or init error was taken. */
    public static RuntimeApiReply accepted() {
        return ACCEPTED;
    }

    /** 400: the request id is not the one of the invocation in flight. */
    public static RuntimeApiReply invalidRequestId() {
        return new RuntimeApiReply(400, "InvalidRequestID", "Invalid request ID");
    }

    /** 403: the call is not allowed in the sandbox's current state (e.g. a second response). */
    public static RuntimeApiReply invalidStateTransition() {
        return new RuntimeApiReply(403, "InvalidStateTransition", "State transition is not allowed");
    }

    /** 413: a response body over the limit. */
    public static RuntimeApiReply payloadTooLarge(long limit) {
        return new RuntimeApiReply(413, "RequestEntityTooLarge",
                "Exceeded maximum allowed payload size (" + limit + " bytes).");
    }

    /** 500: the sandbox is going away; the runtime should exit. */
    public static RuntimeApiReply shuttingDown() {
        return new RuntimeApiReply(500, "Runtime.Shutdown", "The execution environment is shutting down");
    }

    public boolean isAccepted() {
        return status == 202;
    }

    /** The JSON body of this reply. */
    public String body() {
        if (isAccepted()) {
            return "{\"status\":\"OK\"}";
        }
        return "{\"errorMessage\":" + JsonText.quote(errorMessage) + ",\"errorType\":" + JsonText.quote(errorType) + "}";
    }
}
