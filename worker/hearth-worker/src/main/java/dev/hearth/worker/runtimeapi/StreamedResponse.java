package dev.hearth.worker.runtimeapi;

import java.util.Optional;

/**
 * A response the runtime streams ({@code Lambda-Runtime-Function-Response-Mode: streaming}, a chunked
 * body) for an invocation whose caller takes it as a stream. The Runtime API handler passes each
 * piece of the body on as it arrives, then ends it.
 *
 * <p>Threading: used by the one Runtime API thread that reads the body.
 */
public interface StreamedResponse {
    /**
     * Passes the next bytes on, blocking while the consumer is slow (back-pressure on the runtime).
     *
     * @return false when no more bytes are taken (the size limit was passed, or the invocation ended
     *     otherwise, e.g. by its timeout): the handler stops reading and answers {@link #end}'s reply
     */
    boolean write(byte[] bytes, int offset, int length);

    /**
     * The body ended, or the handler stopped reading it; {@code error} from the runtime's trailers
     * ({@code Lambda-Runtime-Function-Error-Type}, {@code -Body}). Returns the reply for the runtime.
     */
    RuntimeApiReply end(Optional<StreamError> error, boolean logsMarked);

    /** The body broke off (the runtime's connection failed) before its end. */
    RuntimeApiReply broken(String why);

    /**
     * The error a runtime reported in its stream's trailers.
     *
     * @param errorType {@code Lambda-Runtime-Function-Error-Type}, may be empty
     * @param body the decoded {@code Lambda-Runtime-Function-Error-Body} (JSON), may be empty
     */
    record StreamError(String errorType, byte[] body) {}
}
