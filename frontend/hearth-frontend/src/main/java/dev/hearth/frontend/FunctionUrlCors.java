package dev.hearth.frontend;

import dev.hearth.controlplane.api.Cors;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A function URL's CORS, answered by Hearth as Lambda answers it from the URL's {@code Cors}
 * configuration: a preflight ({@code OPTIONS} with {@code Origin} and {@code
 * Access-Control-Request-Method}) never reaches the function; every other answer to an allowed origin
 * carries {@code Access-Control-Allow-Origin} (and {@code -Expose-Headers}, {@code -Allow-Credentials}),
 * replacing any the function set. An origin the configuration does not list gets no CORS headers, so
 * the browser refuses the answer. Stateless and thread-safe.
 */
final class FunctionUrlCors {
    private FunctionUrlCors() {}

    /** Whether {@code request} is a CORS preflight Hearth answers itself for a URL with {@code cors}. */
    static boolean isPreflight(ApiRequest request, Optional<Cors> cors) {
        return cors.isPresent() && request.method().equals("OPTIONS") && request.header("origin").isPresent()
                && request.header("access-control-request-method").isPresent();
    }

    /** The answer to a preflight (200, no body). */
    static ApiResponse preflight(ApiRequest request, Cors cors) {
        Map<String, String> headers = new LinkedHashMap<>();
        String origin = request.header("origin").orElseThrow();
        String method = request.header("access-control-request-method").orElseThrow();
        allowedOrigin(origin, cors).ifPresent(allowed -> {
            if (listed(cors.allowMethods(), method, true)) {
                headers.put("Access-Control-Allow-Origin", allowed);
                headers.put("Access-Control-Allow-Methods", String.join(",", cors.allowMethods()));
                if (cors.allowHeaders() != null && !cors.allowHeaders().isEmpty()) {
                    headers.put("Access-Control-Allow-Headers", String.join(",", cors.allowHeaders()));
                }
                if (Boolean.TRUE.equals(cors.allowCredentials())) {
                    headers.put("Access-Control-Allow-Credentials", "true");
                }
                if (cors.maxAge() != null) {
                    headers.put("Access-Control-Max-Age", String.valueOf(cors.maxAge()));
                }
            }
        });
        headers.put("Vary", "Origin");
        return new ApiResponse(200, headers, new byte[0], null);
    }

    /** {@code answer} with the CORS headers of {@code cors} for {@code request}'s origin. */
    static ApiResponse decorate(ApiRequest request, Optional<Cors> cors, ApiResponse answer) {
        if (cors.isEmpty() || request.header("origin").isEmpty()) {
            return answer;
        }
        Optional<String> allowed = allowedOrigin(request.header("origin").get(), cors.get());
        if (allowed.isEmpty()) {
            return answer;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        answer.headers().forEach((name, value) -> {
            if (!name.toLowerCase(Locale.ROOT).startsWith("access-control-")) {
                headers.put(name, value);
            }
        });
        headers.put("Access-Control-Allow-Origin", allowed.get());
        if (cors.get().exposeHeaders() != null && !cors.get().exposeHeaders().isEmpty()) {
            headers.put("Access-Control-Expose-Headers", String.join(",", cors.get().exposeHeaders()));
        }
        if (Boolean.TRUE.equals(cors.get().allowCredentials())) {
            headers.put("Access-Control-Allow-Credentials", "true");
        }
        headers.put("Vary", "Origin");
        return new ApiResponse(answer.status(), headers, answer.body(), answer.contentType(), answer.stream(),
                answer.multiValueHeaders());
    }

    /**
     * The {@code Access-Control-Allow-Origin} value for {@code origin}: {@code *} when every origin is
     * allowed without credentials, else the origin itself when it is allowed.
     */
    private static Optional<String> allowedOrigin(String origin, Cors cors) {
        List<String> origins = cors.allowOrigins() == null ? List.of() : cors.allowOrigins();
        if (origins.contains("*")) {
            return Optional.of(Boolean.TRUE.equals(cors.allowCredentials()) ? origin : "*");
        }
        return origins.stream().anyMatch(o -> o.equalsIgnoreCase(origin)) ? Optional.of(origin) : Optional.empty();
    }

    private static boolean listed(List<String> values, String value, boolean wildcard) {
        return values != null && values.stream().anyMatch(v -> v.equalsIgnoreCase(value) || (wildcard && v.equals("*")));
    }
}
