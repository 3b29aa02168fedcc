package dev.hearth.sigv4;

import java.util.Objects;

/**
 * One AWS access key pair that Hearth accepts signatures from.
 *
 * @param accessKeyId the public key id, as it appears in the credential scope ({@code AKIA...})
 * @param secretAccessKey the shared secret the caller signs with
 * @param owner who the key belongs to, for example the profile name of a credentials file
 */
public record AccessKey(String accessKeyId, String secretAccessKey, String owner) {
    public AccessKey {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(owner, "owner");
        if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("access key id and secret access key must not be empty");
        }
    }

    /** Keeps the secret out of logs and exception messages. */
    @Override
    public String toString() {
        return "AccessKey[accessKeyId=" + accessKeyId + ", owner=" + owner + "]";
    }
}
