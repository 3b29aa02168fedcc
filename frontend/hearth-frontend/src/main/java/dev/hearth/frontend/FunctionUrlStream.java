package dev.hearth.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.StreamedBody;
import dev.hearth.worker.InvocationResult;
import dev.hearth.worker.ResponseChunks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of a {@code RESPONSE_STREAM} function URL, written to the client as the function streams
 * it (through {@link dev.hearth.invocation.InvocationService#invokeStreaming}).
 *
 * <p>How the function's bytes are read, as Lambda reads them: a stream of type {@code
 * application/vnd.awslambda.http-integration-response} (node's {@code
 * awslambda.HttpResponseStream.from}) starts with a JSON prelude ({@code statusCode}, {@code headers},
 * {@code cookies}) ended by 8 NUL bytes, which becomes the answer's status and headers, and the rest is
 * the body; any other stream is a 200 body of the stream's content type; a response the function did
 * not stream (posted whole) is read as a {@code BUFFERED} URL reads it ({@link FunctionUrlAnswer}). A
 * function error or throttle before the first byte is the URL's 502 or 429 answer; after it, the body
 * simply ends.
 *
 * <p>Threading: {@link #writeTo} runs on the request's thread; the function's bytes arrive on the
 * Runtime API thread that reads them, before {@code invokeStreaming} returns.
 */
final class FunctionUrlStream implements ApiResponse.BodyWriter {
    static final String HTTP_INTEGRATION = "application/vnd.awslambda.http-integration-response";
    private static final String OCTET_STREAM = "application/octet-stream";
    /** The longest prelude read: Hearth's bound (Lambda documents none), beyond it the answer is 502. */
    private static final int MAX_PRELUDE_BYTES = 64 * 1024;
    private static final int DELIMITER_BYTES = 8;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final FunctionUrlDirectory.Target target;
    private final ResolvedFunction resolved;
    private final ApiRequest request;
    private final byte[] event;

    FunctionUrlStream(FunctionUrlDirectory.Target target, ResolvedFunction resolved, ApiRequest request, byte[] event) {
        this.target = target;
        this.resolved = resolved;
        this.request = request;
        this.event = event;
    }

    @Override
    public void writeTo(StreamedBody out) throws IOException {
        Reader reader = new Reader(out);
        InvocationResult result;
        try {
            result = target.invocations().invokeStreaming(resolved, request.requestId(), event, Optional.empty(), false,
                    request.header("x-amzn-trace-id"), reader);
        } catch (LambdaException failed) {
            writeWhole(out, failed.type() == LambdaErrorType.TooManyRequestsException
                    ? FunctionUrlAnswer.message(429, "Rate Exceeded.")
                    : FunctionUrlAnswer.message(502, "Internal Server Error"));
            return;
        }
        reader.finish(result);
    }

    /** Writes a whole answer's head and body. */
    private static void writeWhole(StreamedBody out, ApiResponse answer) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        answer.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        headers.putAll(answer.multiValueHeaders());
        out.head(answer.status(), answer.contentType(), headers);
        out.write(answer.body());
    }

    /** Where the function's bytes are in being read. */
    private enum Phase { NOT_BEGUN, WHOLE, PRELUDE, BODY, UNREADABLE }

    /** Reads the function's bytes into the answer. */
    private static final class Reader implements ResponseChunks {
        private final StreamedBody out;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private Phase phase = Phase.NOT_BEGUN;

        Reader(StreamedBody out) {
            this.out = out;
        }

        @Override
        public void begin(Optional<String> streamedContentType) {
            if (streamedContentType.isEmpty()) {
                phase = Phase.WHOLE;
            } else if (streamedContentType.get().startsWith(HTTP_INTEGRATION)) {
                phase = Phase.PRELUDE;
            } else {
                out.head(200, streamedContentType.get(), Map.of());
                phase = Phase.BODY;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            switch (phase) {
                case WHOLE -> held.write(bytes, offset, length);
                case PRELUDE -> {
                    held.write(bytes, offset, length);
                    readPrelude();
                }
                case BODY -> out.write(bytes, offset, length);
                case NOT_BEGUN, UNREADABLE -> { }
            }
        }

        /** Once the prelude's delimiter arrived: the answer's head, then what followed it. */
        private void readPrelude() throws IOException {
            byte[] bytes = held.toByteArray();
            int end = delimiterAt(bytes);
            if (end < 0) {
                if (bytes.length > MAX_PRELUDE_BYTES) {
                    phase = Phase.UNREADABLE;
                    held.reset();
                }
                return;
            }
            ApiResponse head = preludeAnswer(bytes, end);
            if (head.status() == 502) {
                phase = Phase.UNREADABLE;
                held.reset();
                return;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            head.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            headers.putAll(head.multiValueHeaders());
            out.head(head.status(), head.contentType() == null ? OCTET_STREAM : head.contentType(), headers);
            phase = Phase.BODY;
            held.reset();
            int bodyStart = end + DELIMITER_BYTES;
            out.write(bytes, bodyStart, bytes.length - bodyStart);
        }

        private static int delimiterAt(byte[] bytes) {
            int zeros = 0;
            for (int i = 0; i < bytes.length; i++) {
                zeros = bytes[i] == 0 ? zeros + 1 : 0;
                if (zeros == DELIMITER_BYTES) {
                    return i - DELIMITER_BYTES + 1;
                }
            }
            return -1;
        }

        /** The prelude read as a buffered URL's response without a body (a missing statusCode is 200). */
        private static ApiResponse preludeAnswer(byte[] bytes, int length) {
            try {
                JsonNode prelude = JSON.readTree(bytes, 0, length);
                if (prelude == null || !prelude.isObject()) {
                    return FunctionUrlAnswer.message(502, "Internal Server Error");
                }
                ObjectNode response = ((ObjectNode) prelude).deepCopy();
                if (!response.has("statusCode")) {
                    response.put("statusCode", 200);
                }
                response.remove("body");
                response.remove("isBase64Encoded");
                return FunctionUrlAnswer.of(new InvocationResult(JSON.writeValueAsBytes(response), Optional.empty(),
                        Optional.empty(), "", java.time.Duration.ZERO, Optional.empty(), 0));
            } catch (IOException notJson) {
                return FunctionUrlAnswer.message(502, "Internal Server Error");
            }
        }

        /** After the invocation: whatever the function's bytes did not yet answer. */
        void finish(InvocationResult result) throws IOException {
            switch (phase) {
                case NOT_BEGUN -> {
                    if (result.functionError().isPresent()) {
                        writeWhole(out, FunctionUrlAnswer.message(502, "Internal Server Error"));
                    } else {
                        out.head(200, OCTET_STREAM, Map.of());
                    }
                }
                case WHOLE -> writeWhole(out, FunctionUrlAnswer.of(new InvocationResult(held.toByteArray(),
                        result.functionError(), result.logTail(), result.executedVersion(), result.duration(),
                        result.initDuration(), result.maxMemoryUsedBytes())));
                case PRELUDE, UNREADABLE -> writeWhole(out, FunctionUrlAnswer.message(502, "Internal Server Error"));
                case BODY -> { }
            }
        }
    }
}
