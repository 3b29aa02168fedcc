package dev.hearth.worker;

/**
 * Lambda's limits on a streamed response (response streaming): its size, and its bandwidth once it
 * has passed its uncapped start.
 *
 * @param maxBytes largest response a function may stream (Lambda: 200 MiB, 209,715,200 bytes)
 * @param uncappedBytes bytes streamed at full speed before the bandwidth cap applies (Lambda: the
 *     first 6 MiB)
 * @param bytesPerSecond the bandwidth after {@code uncappedBytes} (Lambda: 2 MiB/s); {@link Long#MAX_VALUE}
 *     for no cap
 */
public record StreamingLimits(long maxBytes, long uncappedBytes, long bytesPerSecond) {
    /** Lambda's limits: 200 MiB per response, 2 MiB/s after the first 6 MiB. */
    public static final StreamingLimits LAMBDA = new StreamingLimits(200L * 1024 * 1024, 6L * 1024 * 1024, 2L * 1024 * 1024);

    public StreamingLimits {
        if (maxBytes <= 0 || uncappedBytes < 0 || bytesPerSecond <= 0) {
            throw new IllegalArgumentException("maxBytes and bytesPerSecond must be positive, uncappedBytes not negative");
        }
    }

    /** These limits with the bandwidth cap at {@code newBytesPerSecond}. */
    public StreamingLimits withBytesPerSecond(long newBytesPerSecond) {
        return new StreamingLimits(maxBytes, uncappedBytes, newBytesPerSecond);
    }

    /** These limits with a response size limit of {@code newMaxBytes}. */
    public StreamingLimits withMaxBytes(long newMaxBytes) {
        return new StreamingLimits(newMaxBytes, uncappedBytes, bytesPerSecond);
    }
}
