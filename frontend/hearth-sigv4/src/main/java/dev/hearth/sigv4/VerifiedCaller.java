package dev.hearth.sigv4;

import java.util.Objects;
import java.util.Optional;

/**
 * Who signed a request whose signature verified.
 *
 * @param accessKey the key pair the signature was made with
 * @param region the region named in the credential scope (any region is accepted)
 * @param sessionToken the {@code X-Amz-Security-Token} the caller sent, if any; Hearth does not
 *     issue session tokens, so it is reported but not checked
 */
public record VerifiedCaller(AccessKey accessKey, String region, Optional<String> sessionToken) {
    public VerifiedCaller {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(sessionToken, "sessionToken");
    }

    public String accessKeyId() {
        return accessKey.accessKeyId();
    }
}
