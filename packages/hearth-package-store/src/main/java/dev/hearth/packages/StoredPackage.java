package dev.hearth.packages;

import java.util.Objects;

/**
 * A package held by a {@link PackageStore}: what Lambda reports about function code.
 *
 * @param codeSha256 base64 (standard alphabet, padded) of the SHA-256 of the zip's bytes, as Lambda
 *     reports {@code CodeSha256}
 * @param codeSize size of the zip in bytes ({@code CodeSize})
 * @param unzippedSize bytes the zip's files inflated to when extracted
 */
public record StoredPackage(String codeSha256, long codeSize, long unzippedSize) {
    public StoredPackage {
        Objects.requireNonNull(codeSha256, "codeSha256");
        if (codeSize < 0 || unzippedSize < 0) {
            throw new IllegalArgumentException(
                    "sizes must not be negative: codeSize=" + codeSize + ", unzippedSize=" + unzippedSize);
        }
    }
}
