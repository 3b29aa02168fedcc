package dev.hearth.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a request may proceed, before its endpoint runs, and whose it is. Implementations
 * throw a {@link dev.hearth.core.LambdaException} (403) to refuse. Thread-safe.
 */
@FunctionalInterface
public interface RequestAuthenticator {
    /**
     * Checks {@code request}.
     *
     * @return the 12-digit account the caller acts in, when its credentials tell it; empty for the
     *     server's own account
     */
    Optional<String> authenticate(ApiRequest request);

    /**
     * Refuses, before the body is read, a request whose request line and headers already condemn it
     * (no or a malformed signature, an unknown key, a stale date, a wrong scope), so that no body is
     * read for a request that cannot pass {@link #authenticate}. Accepts everything by default.
     *
     * @param headers the request's headers, names in lower case
     */
    default void precheck(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {}

    /**
     * Accepts every request, signed or not (no credentials configured). As the local-AWS tools do, an
     * access key id of 12 digits is taken as the caller's account id.
     */
    RequestAuthenticator ACCEPT_ALL = request -> SigningScope.of(request::header, request.query())
            .map(SigningScope::accessKeyId)
            .filter(id -> id.matches("\\d{12}"));
}
