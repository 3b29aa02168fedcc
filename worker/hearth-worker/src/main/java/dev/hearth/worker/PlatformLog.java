package dev.hearth.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** Lambda's platform log lines and names, formatted exactly as Lambda writes them. */
final class PlatformLog {
    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private PlatformLog() {}

    static String logGroup(String functionName) {
        return "/aws/lambda/" + functionName;
    }

    /** {@code YYYY/MM/DD/[VERSION]<32 hex>}. */
    static String logStream(Instant now, String version, String hex32) {
        return STREAM_DATE.format(now) + "/[" + version + "]" + hex32;
    }

    static String start(String requestId, String version) {
        return "START RequestId: " + requestId + " Version: " + version;
    }

    static String end(String requestId) {
        return "END RequestId: " + requestId;
    }

    /**
     * The REPORT line. {@code init} is the Init Duration of a cold start, or with {@code restored} the
     * Restore Duration of a sandbox restored from a SnapStart snapshot, which Lambda bills separately.
     */
    static String report(String requestId, Duration duration, Optional<Duration> init, boolean restored, int memoryMb,
            long maxMemoryUsedBytes, Optional<String> suffix) {
        return report(requestId, duration, Duration.ZERO, init, restored, memoryMb, maxMemoryUsedBytes, suffix);
    }

    /**
     * The REPORT line of an invocation whose extensions worked {@code extensionsOverhead} past the
     * runtime's response: billed, not part of {@code Duration}.
     */
    static String report(String requestId, Duration duration, Duration extensionsOverhead, Optional<Duration> init,
            boolean restored, int memoryMb, long maxMemoryUsedBytes, Optional<String> suffix) {
        long billedMs = billedMillis(duration, extensionsOverhead, init, restored);
        StringBuilder line = new StringBuilder("REPORT RequestId: ").append(requestId)
                .append("\tDuration: ").append(millis(duration)).append(" ms")
                .append("\tBilled Duration: ").append(billedMs).append(" ms")
                .append("\tMemory Size: ").append(memoryMb).append(" MB")
                .append("\tMax Memory Used: ").append(ceilMegabytes(maxMemoryUsedBytes)).append(" MB");
        if (restored) {
            init.ifPresent(d -> line.append("\tRestore Duration: ").append(millis(d)).append(" ms")
                    .append("\tBilled Restore Duration: ").append(ceilMillis(d)).append(" ms"));
        } else {
            init.ifPresent(d -> line.append("\tInit Duration: ").append(millis(d)).append(" ms"));
        }
        suffix.ifPresent(s -> line.append('\t').append(s));
        return line.toString();
    }

    /**
     * Billed Duration in milliseconds, at least 1: the runtime's part and the extensions' work after
     * it, with the Init Duration of a cold start (a Restore Duration is billed on its own).
     */
    static long billedMillis(Duration duration, Duration extensionsOverhead, Optional<Duration> init, boolean restored) {
        Duration billed = duration.plus(extensionsOverhead);
        return Math.max(1, ceilMillis(restored ? billed : billed.plus(init.orElse(Duration.ZERO))));
    }

    /** {@code Task timed out after 3.00 seconds}. */
    static String timedOut(Duration limit) {
        return "Task timed out after " + String.format(Locale.ROOT, "%.2f", limit.toMillis() / 1000.0) + " seconds";
    }

    /** {@code 2024-01-01T00:00:00.000Z}. */
    static String timestamp(Instant now) {
        return TIMESTAMP.format(now);
    }

    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1_000_000.0);
    }

    private static long ceilMillis(Duration d) {
        long nanos = d.toNanos();
        return (nanos + 999_999) / 1_000_000;
    }

    private static long ceilMegabytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
