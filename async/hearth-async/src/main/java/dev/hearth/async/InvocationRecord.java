package dev.hearth.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hearth.worker.InvocationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Lambda's invocation record, the event a destination function receives:
 *
 * <pre>{@code
 * {"version": "1.0", "timestamp": "2019-11-24T23:08:25.651Z",
 *  "requestContext": {"requestId": "…", "functionArn": "arn:…:function:NAME:$LATEST",
 *                     "condition": "Success", "approximateInvokeCount": 1},
 *  "requestPayload": {…the original event…},
 *  "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
 *  "responsePayload": {…the function's response or error…}}
 * }</pre>
 *
 * {@code functionError} appears for failed invocations only; {@code responseContext} and
 * {@code responsePayload} only when the function ran. Payloads that are not JSON are embedded as
 * strings. Stateless and thread-safe.
 */
public final class InvocationRecord {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private InvocationRecord() {}

    /**
     * The record's JSON bytes.
     *
     * @param response the last invocation's result, empty when the function never ran
     */
    public static byte[] build(Instant timestamp, String requestId, String functionArn, RecordCondition condition,
            int approximateInvokeCount, byte[] requestPayload, Optional<InvocationResult> response) {
        ObjectNode record = JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", TIMESTAMP.format(timestamp));
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", requestId);
        context.put("functionArn", functionArn);
        context.put("condition", condition.name());
        context.put("approximateInvokeCount", approximateInvokeCount);
        record.set("requestPayload", payload(requestPayload));
        response.ifPresent(result -> {
            ObjectNode responseContext = record.putObject("responseContext");
            responseContext.put("statusCode", 200);
            responseContext.put("executedVersion", result.executedVersion());
            result.functionError().ifPresent(error -> responseContext.put("functionError", error));
            record.set("responsePayload", payload(result.payload()));
        });
        try {
            return JSON.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing an invocation record failed", e);
        }
    }

    private static JsonNode payload(byte[] bytes) {
        if (bytes.length == 0) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
