package dev.hearth.http;

import dev.hearth.core.LambdaException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as an endpoint sees it: path parameters already percent-decoded, query
 * parameters decoded (several values per name kept), header names lower-cased; the raw path and
 * query as received (for signature verification).
 */
public record ApiRequest(
        String method,
        String rawPath,
        String rawQuery,
        Map<String, String> pathParameters,
        Map<String, List<String>> query,
        Map<String, List<String>> headers,
        byte[] body,
        String requestId,
        String baseUrl) {

    public String path(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return value;
    }

    public Optional<String> query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public Optional<Integer> queryInt(String name) {
        return query(name).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw LambdaException.invalidParameter("1 validation error detected: Value '" + v + "' at '" + name
                        + "' failed to satisfy constraint: Member must be a number");
            }
        });
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
