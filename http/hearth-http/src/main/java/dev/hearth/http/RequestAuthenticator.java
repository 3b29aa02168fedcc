package dev.hearth.http;

/**
 * Decides whether a request may proceed, before its endpoint runs. Implementations throw a
 * {@link dev.hearth.core.LambdaException} (403) to refuse. Thread-safe.
 */
@FunctionalInterface
public interface RequestAuthenticator {
    void authenticate(ApiRequest request);

    /** Accepts every request, signed or not (no credentials configured). */
    RequestAuthenticator ACCEPT_ALL = request -> {};
}
