package dev.hearth.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An endpoint's answer: status, extra headers, and the body with its content type; or, for a
 * streamed answer ({@link #streaming}), a {@link BodyWriter} that writes the body as it is made.
 *
 * @param stream null for a whole body; otherwise the writer of a streamed body ({@code body} empty)
 * @param multiValueHeaders headers sent once per value, after {@code headers} (several {@code
 *     Set-Cookie} of a function URL's answer)
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, String contentType, BodyWriter stream,
        Map<String, List<String>> multiValueHeaders) {
    public static final String JSON = "application/json";

    public ApiResponse {
        headers = Map.copyOf(headers);
        multiValueHeaders = Map.copyOf(multiValueHeaders);
    }

    /** An answer without headers of several values. */
    public ApiResponse(int status, Map<String, String> headers, byte[] body, String contentType, BodyWriter stream) {
        this(status, headers, body, contentType, stream, Map.of());
    }

    /** An answer with a whole body. */
    public ApiResponse(int status, Map<String, String> headers, byte[] body, String contentType) {
        this(status, headers, body, contentType, null);
    }

    /**
     * A streamed answer: the status and headers are sent, then {@code writer} writes the body (sent
     * chunked, without a {@code Content-Length}) on the request's thread. Each write blocks until the
     * client's connection took the bytes (so a slow client slows the writer down), as one whole HTTP
     * chunk; until the first write, {@link StreamedBody#head} may still change the status and headers.
     * A {@link dev.hearth.core.LambdaException} thrown before the first
     * byte is written is answered as the error it is; after that, a failure ends the response
     * abruptly (the client sees a truncated body).
     */
    public static ApiResponse streaming(int status, Map<String, String> headers, String contentType, BodyWriter writer) {
        return new ApiResponse(status, headers, new byte[0], contentType, Objects.requireNonNull(writer, "writer"));
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    public interface BodyWriter {
        /** Writes the whole body to {@code out} (which the caller closes). */
        void writeTo(StreamedBody out) throws IOException, InterruptedException;
    }

    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, Map.of(), body, JSON);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, Map.of(), new byte[0], null);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, more, body, contentType, stream, multiValueHeaders);
    }
}
