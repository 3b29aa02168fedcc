package dev.hearth.frontend;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.http.ApiResponse;
import dev.hearth.worker.InvocationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a function's result as Lambda reads it for a function URL, and writes the URL's own answers.
 *
 * <p>A JSON object with {@code statusCode} is a response: {@code statusCode}, {@code headers}, {@code
 * multiValueHeaders} (values joined by commas), {@code cookies} (one {@code Set-Cookie} each) and {@code
 * body}, base64-decoded when {@code isBase64Encoded} is true. Any other JSON value is the body of a 200
 * {@code application/json} answer: a JSON string's text, else the JSON as returned. A function error (a
 * timeout among them) is 502 {@code {"Message":"Internal Server Error"}}, as is a response Lambda
 * cannot read (a {@code statusCode} that is no number, a {@code body} of base64 that is not).
 * Stateless and thread-safe.
 */
final class FunctionUrlAnswer {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private FunctionUrlAnswer() {}

    /** The HTTP answer for a finished (buffered) invocation's result. */
    static ApiResponse of(InvocationResult result) {
        if (result.functionError().isPresent()) {
            return message(502, "Internal Server Error");
        }
        byte[] payload = result.payload();
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (IOException notJson) {
            // not JSON (a custom runtime may answer anything): the body as it is
            return new ApiResponse(200, Map.of(), payload, ApiResponse.JSON);
        }
        if (json == null || json.isMissingNode()) {
            return new ApiResponse(200, Map.of(), payload, ApiResponse.JSON);
        }
        if (json.isTextual()) {
            return new ApiResponse(200, Map.of(), json.textValue().getBytes(StandardCharsets.UTF_8), ApiResponse.JSON);
        }
        if (!json.isObject() || !json.has("statusCode")) {
            return new ApiResponse(200, Map.of(), payload, ApiResponse.JSON);
        }
        return response(json);
    }

    private static ApiResponse response(JsonNode json) {
        JsonNode status = json.get("statusCode");
        if (!status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
            return message(502, "Internal Server Error");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = null;
        JsonNode multi = json.path("multiValueHeaders");
        if (multi.isObject()) {
            multi.properties().forEach(e -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                headers.put(e.getKey(), String.join(",", values));
            });
        }
        JsonNode single = json.path("headers");
        if (single.isObject()) {
            single.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        }
        for (String name : List.copyOf(headers.keySet())) {
            if (name.toLowerCase(Locale.ROOT).equals("content-type")) {
                contentType = headers.remove(name);
            }
        }
        List<String> cookies = new ArrayList<>();
        json.path("cookies").forEach(cookie -> cookies.add(cookie.asText()));
        JsonNode bodyNode = json.path("body");
        String text = bodyNode.isMissingNode() || bodyNode.isNull() ? "" : bodyNode.isTextual() ? bodyNode.textValue()
                : bodyNode.toString();
        byte[] body;
        if (json.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException notBase64) {
                return message(502, "Internal Server Error");
            }
        } else {
            body = text.getBytes(StandardCharsets.UTF_8);
        }
        return new ApiResponse(status.asInt(), headers, body, contentType, null,
                cookies.isEmpty() ? Map.of() : Map.of("Set-Cookie", cookies));
    }

    /** An answer of the URL's own: {@code {"Message": message}}, as Lambda's function URLs write theirs. */
    static ApiResponse message(int status, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Message", message);
        try {
            return new ApiResponse(status, Map.of(), JSON.writeValueAsBytes(body), ApiResponse.JSON);
        } catch (JacksonException e) {
            throw new IllegalStateException("a message could not be written as JSON", e);
        }
    }
}
