package dev.hearth.worker.runtimeapi;

import java.util.Optional;

/**
 * What the runtime in one sandbox may do, as the Runtime API server sees it. The worker implements
 * it once per sandbox; the server calls it from the virtual thread that handles each request.
 *
 * <p>Threading: methods are called concurrently (a runtime may misbehave and send several requests
 * at once) and must be thread-safe. {@link #awaitNext()} blocks (long poll) and must return once the
 * sandbox is being shut down.
 */
public interface RuntimeApiSession {
    /**
     * Hearth's one addition to the Runtime API: a runtime that wrote the log marker for an invocation
     * into its output before posting that invocation's response or error sends this request header,
     * with the request id as its value, so that the worker knows when it has read all the
     * invocation's output (see the worker's log pump). Runtimes that do not send it are served as by
     * Lambda.
     */
    String LOG_MARKER_HEADER = "Hearth-Log-Marker";

    /** {@code GET /invocation/next}: blocks until an event is due, or refuses the call. */
    NextOutcome awaitNext() throws InterruptedException;

    /** The access key id of the sandbox's own credentials: the one key its calls to Hearth's APIs may be signed with. */
    String sandboxAccessKeyId();

    /**
     * Called after {@link #awaitNext()} delivered {@code event} and before its bytes are written to
     * the runtime, so that whatever the worker records for the invocation's start comes first.
     */
    void delivering(NextEvent event);

    /**
     * {@code POST /invocation/{id}/response} with a body within the size limit; {@code logsMarked}
     * when the runtime wrote the log marker for {@code requestId} first ({@link #LOG_MARKER_HEADER}).
     */
    RuntimeApiReply response(String requestId, byte[] body, boolean logsMarked);

    /**
     * {@code POST /invocation/{id}/response} with a body of {@code size} bytes, over the limit; the
     * reply is normally {@link RuntimeApiReply#payloadTooLarge}.
     */
    RuntimeApiReply responseTooLarge(String requestId, long size, long limit, boolean logsMarked);

    /**
     * {@code POST /invocation/{id}/error}; {@code errorType} from {@code Lambda-Runtime-Function-Error-Type},
     * may be empty; {@code logsMarked} as for {@link #response}.
     */
    RuntimeApiReply error(String requestId, String errorType, byte[] body, boolean logsMarked);

    /**
     * {@code POST /invocation/{id}/response} in streaming mode, its body of {@code contentType} (the
     * request's {@code Content-Type}, {@code application/octet-stream} when it names none): the stream
     * to pass the body into, when
     * {@code requestId} is the invocation in hand and its caller takes the response as a stream;
     * empty otherwise (the body is then read whole and posted through {@link #response} or
     * {@link #error}, which also refuse a wrong request id). At most one stream per invocation. By
     * default, sessions take no streams.
     */
    default Optional<StreamedResponse> openStream(String requestId, String contentType) {
        return Optional.empty();
    }

    /** {@code POST /init/error}. */
    RuntimeApiReply initError(String errorType, byte[] body);

    /** The sandbox's Extensions API ({@code /2020-01-01/extension/...}); by default none. */
    default ExtensionsApi extensions() {
        return ExtensionsApi.NONE;
    }

    /** The sandbox's Telemetry and Logs APIs and its telemetry relay; by default none. */
    default TelemetryApi telemetry() {
        return TelemetryApi.NONE;
    }

    /** The answer to a {@code /next} call: an event, or a refusal. */
    sealed interface NextOutcome permits NextEvent, RuntimeApiReply {}
}
