package dev.hearth.frontend;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation's method and path template, e.g. {@code GET /2015-03-31/functions/{FunctionName}}.
 * A template segment in braces captures one raw path segment, which is percent-decoded. A template
 * ending in {@code /} also matches the path without it (Lambda's tools send both forms).
 *
 * @param operation Lambda's operation name, for logs and error messages
 * @param maxBodyBytes the largest request body accepted; beyond it the request is refused with 413
 */
public record Route(String method, String template, String operation, long maxBodyBytes, Endpoint endpoint) {
    private List<String> segments() {
        return List.of(trimSlashes(template).split("/", -1));
    }

    /** Path parameters when this route matches {@code method} and the raw {@code path}. */
    Optional<Map<String, String>> match(String requestMethod, String rawPath) {
        if (!method.equals(requestMethod)) {
            return Optional.empty();
        }
        return matchPath(rawPath);
    }

    Optional<Map<String, String>> matchPath(String rawPath) {
        List<String> expected = segments();
        String[] actual = trimSlashes(rawPath).split("/", -1);
        if (actual.length != expected.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new java.util.HashMap<>();
        for (int i = 0; i < actual.length; i++) {
            String want = expected.get(i);
            if (want.startsWith("{") && want.endsWith("}")) {
                if (actual[i].isEmpty()) {
                    return Optional.empty();
                }
                params.put(want.substring(1, want.length() - 1), PercentDecoding.decode(actual[i]));
            } else if (!want.equals(actual[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(Map.copyOf(params));
    }

    private static String trimSlashes(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
