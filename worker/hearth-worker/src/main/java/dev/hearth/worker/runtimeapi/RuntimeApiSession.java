package dev.hearth.worker.runtimeapi;

/**
 * What the runtime in one sandbox may do, as the Runtime API server sees it. The worker implements
 * it once per sandbox; the server calls it from the virtual thread that handles each request.
 *
 * <p>Threading: methods are called concurrently (a runtime may misbehave and send several requests
 * at once) and must be thread-safe. {@link #awaitNext()} blocks (long poll) and must return once the
 * sandbox is being shut down.
 */
public interface RuntimeApiSession {

    /** {@code GET /invocation/next}: blocks until an event is due, or refuses the call. */
    NextOutcome awaitNext() throws InterruptedException;

    /**
     * Called after {@link #awaitNext()} delivered {@code event} and before its bytes are written to
     * the runtime, so that whatever the worker records for the invocation's start comes first.
     */
    void delivering(NextEvent event);

    /** {@code POST /invocation/{id}/response} with a body within the size limit. */
    RuntimeApiReply response(String requestId, byte[] body);

    /**
     * {@code POST /invocation/{id}/response} with a body of {@code size} bytes, over the limit; the
     * reply is normally {@link RuntimeApiReply#payloadTooLarge}.
     */
    RuntimeApiReply responseTooLarge(String requestId, long size, long limit);

    /** {@code POST /invocation/{id}/error}; {@code errorType} from {@code Lambda-Runtime-Function-Error-Type}, may be empty. */
    RuntimeApiReply error(String requestId, String errorType, byte[] body);

    /** {@code POST /init/error}. */
    RuntimeApiReply initError(String errorType, byte[] body);

    /** The answer to a {@code /next} call: an event, or a refusal. */
    sealed interface NextOutcome permits NextEvent, RuntimeApiReply {}
}
