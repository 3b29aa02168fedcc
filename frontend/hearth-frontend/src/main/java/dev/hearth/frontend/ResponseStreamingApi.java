package dev.hearth.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import dev.hearth.invocation.InvocationService;
import dev.hearth.worker.InvocationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda's InvokeWithResponseStream ({@code POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations}):
 * the function's response is written to the caller as it is made, in AWS's event-stream encoding
 * ({@code application/vnd.amazon.eventstream}): one {@code PayloadChunk} event per piece the
 * function streamed (its {@code Payload} the raw bytes), then one {@code InvokeComplete} event with
 * {@code ErrorCode} and {@code ErrorDetails} when the function failed (before or after its first
 * chunk) and {@code LogResult} for {@code X-Amz-Log-Type: Tail}.
 *
 * <p>Errors found before the function runs (validation, a missing function, a throttle, no sandbox)
 * are answered as Lambda's usual error responses; once the first chunk is written, only the
 * {@code InvokeComplete} event can report a failure. A function that does not stream (its runtime
 * posts its response whole) is answered with that response as one chunk.
 *
 * <p>Threading: each request runs on its own virtual thread; the chunks are written to the client
 * from the Runtime API thread that reads them from the runtime (blocking: a slow client slows the
 * function's writes), never concurrently with the final event.
 */
public final class ResponseStreamingApi {
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final InvocationService invocations;
    private final AccountContext account;

    public ResponseStreamingApi(InvocationService invocations, AccountContext account) {
        this.invocations = invocations;
        this.account = account;
    }

    public List<Route> routes() {
        return List.of(new Route("POST", "/2021-11-15/functions/{FunctionName}/response-streaming-invocations",
                "InvokeWithResponseStream", InvokeApi.SYNC_PAYLOAD_LIMIT, this::invoke));
    }

    private ApiResponse invoke(ApiRequest request) {
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account,
                FunctionNameMember.NAMESPACED_FUNCTION_NAME);
        String type = request.header("X-Amz-Invocation-Type").orElse("RequestResponse");
        Optional<String> logType = request.header("X-Amz-Log-Type");
        ConstraintViolations violations = new ConstraintViolations()
                .enumValue("invocationType", type, List.of("RequestResponse", "DryRun"));
        logType.ifPresent(value -> violations.enumValue("logType", value, List.of("None", "Tail")));
        violations.throwIfAny();
        ResolvedFunction resolved = invocations.resolve(ref);
        byte[] payload = request.body();
        InvokeApi.requireJson(payload);
        Map<String, String> headers = Map.of("X-Amz-Executed-Version", resolved.version().version());
        if (type.equals("DryRun")) {
            return new ApiResponse(204, headers, new byte[0], null);
        }
        boolean tail = logType.map("Tail"::equals).orElse(false);
        return ApiResponse.streaming(200, headers, EVENT_STREAM, out -> {
            InvocationResult result = invocations.invokeStreaming(resolved, request.requestId(), payload,
                    request.header("X-Amz-Client-Context"), tail, request.header("X-Amzn-Trace-Id"),
                    (bytes, offset, length) -> out.write(
                            EventStreamMessage.event("PayloadChunk", "application/octet-stream", bytes, offset, length)));
            byte[] complete = invokeComplete(result);
            out.write(EventStreamMessage.event("InvokeComplete", "application/json", complete, 0, complete.length));
        });
    }

    /**
     * The {@code InvokeComplete} event's JSON: {@code ErrorCode} (the error's type, e.g. {@code
     * Sandbox.Timedout}) and {@code ErrorDetails} (its message) when the function failed, and
     * {@code LogResult} (the log tail, base64) when asked for.
     */
    static byte[] invokeComplete(InvocationResult result) {
        Map<String, String> complete = new LinkedHashMap<>();
        if (result.functionError().isPresent()) {
            ErrorDocument error = ErrorDocument.of(result.payload(), result.functionError().get());
            complete.put("ErrorCode", error.type());
            complete.put("ErrorDetails", error.message());
        }
        result.logTail().ifPresent(tail -> complete.put("LogResult",
                Base64.getEncoder().encodeToString(tail.getBytes(StandardCharsets.UTF_8))));
        return AwsJson.writePlain(complete);
    }

    /** The type and message of a Lambda error document ({@code {"errorType", "errorMessage", ...}}). */
    private record ErrorDocument(String type, String message) {
        static ErrorDocument of(byte[] document, String fallbackType) {
            try {
                JsonNode node = JSON.readTree(document);
                if (node != null && node.isObject()) {
                    String type = node.path("errorType").asText("");
                    String message = node.path("errorMessage").asText("");
                    return new ErrorDocument(type.isEmpty() ? fallbackType : type, message);
                }
            } catch (IOException notJson) {
                // a runtime may post any bytes as its error: they are the details
            }
            return new ErrorDocument(fallbackType, new String(document, StandardCharsets.UTF_8));
        }
    }
}
