package dev.hearth.sigv4;

import java.util.Optional;

/**
 * Finds the secret for an access key id. Implementations must be thread-safe: the verifier calls
 * {@link #find} concurrently from request threads. A lookup must not block for long; load files and
 * databases ahead of time.
 */
@FunctionalInterface
public interface CredentialsLookup {

    /** The key pair for {@code accessKeyId}, or empty when the id is unknown. */
    Optional<AccessKey> find(String accessKeyId);
}
