package dev.hearth.controlplane;

/**
 * Where the server serves function URLs: turns a URL id into the {@code FunctionUrl} that the API
 * answers (built on the server's configured address, never on a request's {@code Host}). Thread-safe.
 */
@FunctionalInterface
public interface FunctionUrlAddresses {
    /** The URL of {@code urlId} in {@code region}, ending in {@code /}. */
    String urlOf(String urlId, String region);
}
