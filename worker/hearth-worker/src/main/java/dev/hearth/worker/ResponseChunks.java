package dev.hearth.worker;

import java.io.IOException;
import java.util.Optional;

/**
 * The consumer of a streamed response ({@link Worker#invokeStreaming}): takes the bytes the
 * function streams, in order, as they arrive.
 *
 * <p>Threading: called from one thread at a time, but not always the same one (the Runtime API
 * thread that reads the runtime's chunks, then the invoking thread for a response the runtime posted
 * whole); never after {@link Worker#invokeStreaming} returned. A call may block as long as the
 * consumer needs (a slow client): the runtime's writes are slowed down by as much, so nothing
 * buffers more than a chunk. An {@link IOException} says the consumer is gone: the rest of the
 * response is read and discarded.
 */
@FunctionalInterface
public interface ResponseChunks {
    /** Takes {@code length} bytes of {@code bytes} from {@code offset}; the array is reused after the call. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Called once before the first {@link #write} (and not at all when nothing is written): {@code
     * streamedContentType} is the {@code Content-Type} the runtime streamed its response with (for a
     * function URL's answer, Lambda's {@code application/vnd.awslambda.http-integration-response}
     * means a metadata prelude comes first), empty when the runtime posted its response whole (a
     * handler that does not stream). By default nothing is done.
     */
    default void begin(Optional<String> streamedContentType) throws IOException {}
}
