package dev.hearth.packages;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The SHA-256 of a package zip, in the two spellings the store needs: base64 (Lambda's
 * {@code CodeSha256}) and lower-case hex (the package's directory name, safe on every file system,
 * unlike base64 with its {@code '/'}).
 */
record PackageDigest(String base64, String hex) {
    private static final int SHA256_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    static PackageDigest of(byte[] zip) {
        return fromBytes(newSha256().digest(zip));
    }

    /** The digest of everything {@code sha256} (from {@link #newSha256()}) was fed; finishes it. */
    static PackageDigest of(MessageDigest sha256) {
        return fromBytes(sha256.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /**
     * Parses a {@code CodeSha256} as returned by {@link PackageStore#put}.
     *
     * @throws IllegalArgumentException if it is not base64 of 32 bytes
     */
    static PackageDigest fromBase64(String codeSha256) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(codeSha256);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a CodeSha256 (base64 of a SHA-256): " + codeSha256, e);
        }
        if (bytes.length != SHA256_BYTES) {
            throw new IllegalArgumentException("not a CodeSha256 (base64 of a SHA-256): " + codeSha256);
        }
        return fromBytes(bytes);
    }

    /** Parses a package directory name; empty if it is not 64 lower-case hex digits. */
    static Optional<PackageDigest> fromHex(String name) {
        boolean lowerHex = name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (name.length() != SHA256_BYTES * 2 || !lowerHex) {
            return Optional.empty();
        }
        return Optional.of(fromBytes(HEX.parseHex(name)));
    }

    private static PackageDigest fromBytes(byte[] digest) {
        return new PackageDigest(Base64.getEncoder().encodeToString(digest), HEX.formatHex(digest));
    }
}
