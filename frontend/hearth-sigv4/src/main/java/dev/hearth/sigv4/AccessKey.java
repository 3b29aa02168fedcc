package dev.hearth.sigv4;

import java.util.Objects;
import java.util.Optional;

/**
 * One AWS access key pair that Hearth accepts signatures from.
 *
 * @param accessKeyId the public key id, as it appears in the credential scope ({@code AKIA...})
 * @param secretAccessKey the shared secret the caller signs with
 * @param owner who the key belongs to, for example the profile name of a credentials file
 * @param accountId the 12-digit account the key's requests act in, when the credentials say so
 *     ({@code aws_account_id} in a credentials file profile)
 */
public record AccessKey(String accessKeyId, String secretAccessKey, String owner, Optional<String> accountId) {
    public AccessKey {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(accountId, "accountId");
        accountId.ifPresent(id -> {
            if (!id.matches("\\d{12}")) {
                throw new IllegalArgumentException("an account id is 12 digits: " + id);
            }
        });
        if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("access key id and secret access key must not be empty");
        }
    }

    /** A key of no particular account (the server's own account applies). */
    public AccessKey(String accessKeyId, String secretAccessKey, String owner) {
        this(accessKeyId, secretAccessKey, owner, Optional.empty());
    }

    /** Keeps the secret out of logs and exception messages. */
    @Override
    public String toString() {
        return "AccessKey[accessKeyId=" + accessKeyId + ", owner=" + owner + accountId.map(id -> ", accountId=" + id).orElse("")
                + "]";
    }
}
