package dev.hearth.http;

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
     * Accepts every request, signed or not (no credentials configured). As the local-AWS tools do, an
     * access key id of 12 digits is taken as the caller's account id.
     */
    RequestAuthenticator ACCEPT_ALL = request -> SigningScope.of(request::header, request.query())
            .map(SigningScope::accessKeyId)
            .filter(id -> id.matches("\\d{12}"));
}
