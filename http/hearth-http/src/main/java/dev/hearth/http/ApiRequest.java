package dev.hearth.http;

import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.LambdaErrorType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as an endpoint sees it: path parameters already percent-decoded, query
 * parameters decoded (several values per name kept), header names lower-cased; the raw path and
 * query as received (for signature verification).
 *
 * @param caller the account and region the request acts in: the region of its signing scope (or the
 *     server's for an unsigned request), the account its credentials name (or the server's)
 * @param sourceIp the address of the client's end of the connection, as text (empty when unknown)
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
        AccountContext caller,
        String sourceIp) {

    /** A request whose client address is not known. */
    public ApiRequest(String method, String rawPath, String rawQuery, Map<String, String> pathParameters,
            Map<String, List<String>> query, Map<String, List<String>> headers, byte[] body, String requestId,
            AccountContext caller) {
        this(method, rawPath, rawQuery, pathParameters, query, headers, body, requestId, caller, "");
    }

    /** This request acting in {@code account} instead. */
    public ApiRequest withCaller(AccountContext account) {
        return new ApiRequest(method, rawPath, rawQuery, pathParameters, query, headers, body, requestId, account, sourceIp);
    }

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
                // Lambda's wording for a member that is not a number; no recorded answer of Lambda's says
                // which type it is, so it stays InvalidParameterValueException
                throw new ConstraintViolations().add(v, name, "Member must be a number")
                        .exception(LambdaErrorType.InvalidParameterValueException);
            }
        });
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
