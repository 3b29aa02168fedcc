package dev.hearth.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Worker}.
 *
 * @param workDir directory under which each sandbox gets a private scratch directory
 * @param region the region reported in {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}
 * @param idleTimeout how long an idle sandbox is kept warm before it is shut down (Lambda: minutes)
 * @param reapInterval how often idle sandboxes are checked against {@code idleTimeout}
 * @param initTimeout the longest a runtime may take from launch to its first {@code /next} (Lambda: 10 s)
 * @param maxResponseBytes largest response a function may return (Lambda: 6,291,556 bytes)
 * @param logTailBytes size of the log tail returned for {@code LogType: Tail} (Lambda: 4 KB)
 */
public record WorkerConfig(
        Path workDir,
        String region,
        Duration idleTimeout,
        Duration reapInterval,
        Duration initTimeout,
        long maxResponseBytes,
        int logTailBytes) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 6_291_556L;
    public static final int DEFAULT_LOG_TAIL_BYTES = 4096;

    public WorkerConfig {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(region, "region");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(reapInterval, "reapInterval");
        requirePositive(initTimeout, "initTimeout");
        if (maxResponseBytes <= 0 || logTailBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes and logTailBytes must be positive");
        }
    }

    /** Lambda's defaults, in region {@code us-east-1}. */
    public static WorkerConfig defaults(Path workDir) {
        return new WorkerConfig(workDir, "us-east-1", DEFAULT_IDLE_TIMEOUT, DEFAULT_REAP_INTERVAL,
                DEFAULT_INIT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_LOG_TAIL_BYTES);
    }

    public WorkerConfig withRegion(String newRegion) {
        return new WorkerConfig(workDir, newRegion, idleTimeout, reapInterval, initTimeout, maxResponseBytes, logTailBytes);
    }

    public WorkerConfig withIdleTimeout(Duration newIdleTimeout) {
        return new WorkerConfig(workDir, region, newIdleTimeout, reapInterval, initTimeout, maxResponseBytes, logTailBytes);
    }

    public WorkerConfig withReapInterval(Duration newReapInterval) {
        return new WorkerConfig(workDir, region, idleTimeout, newReapInterval, initTimeout, maxResponseBytes, logTailBytes);
    }

    public WorkerConfig withInitTimeout(Duration newInitTimeout) {
        return new WorkerConfig(workDir, region, idleTimeout, reapInterval, newInitTimeout, maxResponseBytes, logTailBytes);
    }

    public WorkerConfig withMaxResponseBytes(long newMaxResponseBytes) {
        return new WorkerConfig(workDir, region, idleTimeout, reapInterval, initTimeout, newMaxResponseBytes, logTailBytes);
    }

    public WorkerConfig withLogTailBytes(int newLogTailBytes) {
        return new WorkerConfig(workDir, region, idleTimeout, reapInterval, initTimeout, maxResponseBytes, newLogTailBytes);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
