package dev.hearth.packages;

/**
 * Limits a package must stay within to be accepted. Immutable and thread-safe.
 *
 * <p>Every limit is an inclusive maximum: a package exactly at a limit is accepted.
 *
 * @param maxZippedBytes largest accepted zip, in bytes (Lambda: 50 MB = 52,428,800); larger zips are
 *     rejected with {@code RequestEntityTooLargeException}
 * @param maxUnzippedBytes largest total of bytes the zip may inflate to, counted while extracting
 *     (Lambda: 250 MB = 262,144,000); larger packages are rejected with
 *     {@code InvalidParameterValueException}
 * @param maxEntries most entries (files, directories and links) the zip may contain
 * @param maxPathDepth most path segments an entry's name may have ({@code a/b/c} has 3)
 * @param maxPathBytes longest entry name, in UTF-8 bytes; each segment is further limited to 255
 *     bytes, the file name limit of Linux file systems
 */
public record PackageLimits(
        long maxZippedBytes, long maxUnzippedBytes, int maxEntries, int maxPathDepth, int maxPathBytes) {

    /** Lambda's quota for a directly uploaded zip: 50 MB. */
    public static final long LAMBDA_MAX_ZIPPED_BYTES = 52_428_800L;
    /** Lambda's quota for the unzipped deployment package: 250 MB. */
    public static final long LAMBDA_MAX_UNZIPPED_BYTES = 262_144_000L;
    /** Default most entries: generous for node_modules trees, small enough to stop inode floods. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    /** Default deepest entry path. */
    public static final int DEFAULT_MAX_PATH_DEPTH = 64;
    /** Default longest entry name, well under Linux's {@code PATH_MAX} once placed under the store. */
    public static final int DEFAULT_MAX_PATH_BYTES = 1024;

    public PackageLimits {
        requirePositive(maxZippedBytes, "maxZippedBytes");
        requirePositive(maxUnzippedBytes, "maxUnzippedBytes");
        requirePositive(maxEntries, "maxEntries");
        requirePositive(maxPathDepth, "maxPathDepth");
        requirePositive(maxPathBytes, "maxPathBytes");
    }

    /** Lambda's default quotas and Hearth's defaults for what Lambda does not document. */
    public static PackageLimits defaults() {
        return new PackageLimits(
                LAMBDA_MAX_ZIPPED_BYTES,
                LAMBDA_MAX_UNZIPPED_BYTES,
                DEFAULT_MAX_ENTRIES,
                DEFAULT_MAX_PATH_DEPTH,
                DEFAULT_MAX_PATH_BYTES);
    }

    public PackageLimits withMaxZippedBytes(long value) {
        return new PackageLimits(value, maxUnzippedBytes, maxEntries, maxPathDepth, maxPathBytes);
    }

    public PackageLimits withMaxUnzippedBytes(long value) {
        return new PackageLimits(maxZippedBytes, value, maxEntries, maxPathDepth, maxPathBytes);
    }

    public PackageLimits withMaxEntries(int value) {
        return new PackageLimits(maxZippedBytes, maxUnzippedBytes, value, maxPathDepth, maxPathBytes);
    }

    public PackageLimits withMaxPathDepth(int value) {
        return new PackageLimits(maxZippedBytes, maxUnzippedBytes, maxEntries, value, maxPathBytes);
    }

    public PackageLimits withMaxPathBytes(int value) {
        return new PackageLimits(maxZippedBytes, maxUnzippedBytes, maxEntries, maxPathDepth, value);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
