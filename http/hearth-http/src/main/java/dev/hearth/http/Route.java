package dev.hearth.http;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation's method and path template, e.g. {@code GET /2015-03-31/functions/{FunctionName}}.
 * A template segment in braces captures one raw path segment, which is percent-decoded; {@code
 * {Name:regex}} captures only a segment the regular expression matches whole (SQS's queue paths,
 * {@code /{AccountId:[0-9]{12}}/{QueueName}}, must not take Lambda's). A template ending in {@code /}
 * also matches the path without it (AWS's tools send both forms).
 *
 * @param operation the operation's name, for logs and error messages
 * @param maxBodyBytes the largest request body accepted; beyond it the request is refused with 413
 * @param access whether the server's {@link RequestAuthenticator} checks the request's signature
 *     first, or the route is public or authorizes the request itself (a presigned link)
 */
public record Route(String method, String template, String operation, long maxBodyBytes, Access access, Endpoint endpoint) {
    /** Who may call a route. */
    public enum Access {
        /** The request must pass the server's authenticator (SigV4 when credentials are configured). */
        SIGNED,
        /** The authenticator is skipped: the route is public (a metrics scrape) or checks its own signature. */
        PUBLIC
    }

    /** A route whose requests must be signed. */
    public Route(String method, String template, String operation, long maxBodyBytes, Endpoint endpoint) {
        this(method, template, operation, maxBodyBytes, Access.SIGNED, endpoint);
    }

    /** This route with {@link Access#PUBLIC} access. */
    public Route unsigned() {
        return new Route(method, template, operation, maxBodyBytes, Access.PUBLIC, endpoint);
    }

    /** Path parameters when this route's template matches the raw {@code path}, whatever the method. */
    Optional<Map<String, String>> matchPath(String rawPath) {
        List<String> expected = List.of(trimSlashes(template).split("/", -1));
        String[] actual = trimSlashes(rawPath).split("/", -1);
        if (actual.length != expected.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < actual.length; i++) {
            String want = expected.get(i);
            if (want.startsWith("{") && want.endsWith("}")) {
                if (actual[i].isEmpty()) {
                    return Optional.empty();
                }
                String name = want.substring(1, want.length() - 1);
                String value = PercentDecoding.decode(actual[i]);
                int colon = name.indexOf(':');
                if (colon >= 0) {
                    if (!value.matches(name.substring(colon + 1))) {
                        return Optional.empty();
                    }
                    name = name.substring(0, colon);
                }
                params.put(name, value);
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
