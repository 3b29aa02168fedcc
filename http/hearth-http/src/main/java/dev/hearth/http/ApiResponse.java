package dev.hearth.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** An endpoint's answer: status, extra headers, and the body with its content type. */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, String contentType) {
    public static final String JSON = "application/json";

    public ApiResponse {
        headers = Map.copyOf(headers);
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
        return new ApiResponse(status, more, body, contentType);
    }
}
