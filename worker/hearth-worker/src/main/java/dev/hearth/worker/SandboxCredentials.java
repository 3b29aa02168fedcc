package dev.hearth.worker;

import dev.hearth.core.AccountContext;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The temporary credentials one sandbox receives in {@code AWS_ACCESS_KEY_ID}, {@code
 * AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}, as Lambda hands a function its execution
 * role's credentials: valid for calls to Hearth's own AWS APIs, as the function's account, for as long
 * as the sandbox lives. Signatures made with them are always verified, with or without a server
 * credentials file, and the session token must match.
 *
 * @param accessKeyId {@code ASIA} and 16 upper-case letters and digits, as AWS's temporary keys look
 * @param secretAccessKey 40 random characters
 * @param sessionToken random, base64
 * @param account the function's account and region: whom calls made with these credentials act as
 */
public record SandboxCredentials(String accessKeyId, String secretAccessKey, String sessionToken, AccountContext account) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public SandboxCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(account, "account");
    }

    /** Fresh random credentials for a sandbox of {@code account}. */
    static SandboxCredentials mint(AccountContext account) {
        StringBuilder id = new StringBuilder("ASIA");
        for (int i = 0; i < 16; i++) {
            id.append(KEY_ALPHABET.charAt(RANDOM.nextInt(KEY_ALPHABET.length())));
        }
        byte[] secret = new byte[30];
        RANDOM.nextBytes(secret);
        byte[] token = new byte[96];
        RANDOM.nextBytes(token);
        return new SandboxCredentials(id.toString(), Base64.getEncoder().encodeToString(secret),
                Base64.getEncoder().encodeToString(token), account);
    }

    @Override
    public String toString() {
        return "SandboxCredentials[" + accessKeyId + ", " + account + "]"; // never the secret or the token
    }
}
