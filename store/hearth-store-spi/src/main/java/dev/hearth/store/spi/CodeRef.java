package dev.hearth.store.spi;

import java.util.Objects;

/**
 * The code package of a version, by content.
 *
 * @param sha256 base64 of the SHA-256 of the zip, as Lambda reports CodeSha256
 * @param size the zip's size in bytes (CodeSize)
 */
public record CodeRef(String sha256, long size) {
    public CodeRef {
        Objects.requireNonNull(sha256, "sha256");
    }
}
