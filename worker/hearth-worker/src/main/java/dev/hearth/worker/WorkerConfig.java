package dev.hearth.worker;

import dev.hearth.placement.CapacitySettings;
import dev.hearth.placement.HostMemory;
import dev.hearth.placement.ScalingRate;
import dev.hearth.worker.keepalive.FixedKeepAlive;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Worker}.
 *
 * @param workDir directory under which each sandbox gets a private scratch directory
 * @param keepAlive decides how long idle sandboxes stay warm and when to pre-warm (default: a fixed
 *     {@link #DEFAULT_IDLE_TIMEOUT}); shared by one worker, not to be given to two
 * @param reapInterval how often the housekeeping runs (reaping, pre-warms, provisioned replacements)
 * @param initTimeout the longest a runtime may take from launch to its first {@code /next} (Lambda: 10 s)
 * @param maxResponseBytes largest response a function may return (Lambda: 6,291,556 bytes)
 * @param logTailBytes size of the log tail returned for {@code LogType: Tail} (Lambda: 4 KB)
 * @param capacity the host's room for running invocations and new sandboxes (default: this host's RAM
 *     less a headroom, {@link CapacitySettings#forHost})
 * @param scalingSandboxes new sandboxes one function may start per {@code scalingPeriod} (Lambda: 1,000)
 * @param scalingPeriod the period of {@code scalingSandboxes} (Lambda: 10 s)
 * @param hostMemory the reading of the host's available memory that decides whether a new sandbox
 *     fits (default: {@code MemAvailable} of {@code /proc/meminfo}, {@link HostMemory#procMeminfo});
 *     tests give a fake reading
 * @param streaming the limits of a streamed response (default: Lambda's, {@link StreamingLimits#LAMBDA})
 */
public record WorkerConfig(
        Path workDir,
        KeepAlivePolicy keepAlive,
        Duration reapInterval,
        Duration initTimeout,
        long maxResponseBytes,
        int logTailBytes,
        CapacitySettings capacity,
        int scalingSandboxes,
        Duration scalingPeriod,
        HostMemory hostMemory,
        StreamingLimits streaming) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 6_291_556L;
    public static final int DEFAULT_LOG_TAIL_BYTES = 4096;
    /** This host's {@code MemAvailable}: the default {@link #hostMemory()}. */
    public static final HostMemory PROC_MEMINFO = HostMemory.procMeminfo();

    public WorkerConfig {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(keepAlive, "keepAlive");
        requirePositive(reapInterval, "reapInterval");
        requirePositive(initTimeout, "initTimeout");
        if (maxResponseBytes <= 0 || logTailBytes <= 0 || scalingSandboxes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes, logTailBytes and scalingSandboxes must be positive");
        }
        Objects.requireNonNull(capacity, "capacity");
        requirePositive(scalingPeriod, "scalingPeriod");
        Objects.requireNonNull(hostMemory, "hostMemory");
        Objects.requireNonNull(streaming, "streaming");
    }

    /** Lambda's defaults for this host's memory as {@code /proc/meminfo} reports it. */
    public static WorkerConfig defaults(Path workDir) {
        return defaults(workDir, HostMemory.totalMb(), PROC_MEMINFO);
    }

    /**
     * Lambda's defaults for a host with {@code hostTotalMb} of RAM whose
     * available memory {@code hostMemory} reads (a test's fake host, or a real one measured elsewhere).
     */
    public static WorkerConfig defaults(Path workDir, long hostTotalMb, HostMemory hostMemory) {
        return new WorkerConfig(workDir, new FixedKeepAlive(DEFAULT_IDLE_TIMEOUT), DEFAULT_REAP_INTERVAL,
                DEFAULT_INIT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_LOG_TAIL_BYTES,
                CapacitySettings.forHost(hostTotalMb), ScalingRate.DEFAULT_SANDBOXES, ScalingRate.DEFAULT_PERIOD,
                hostMemory, StreamingLimits.LAMBDA);
    }


    /** A fixed keep-alive of {@code idleTimeout} for every function. */
    public WorkerConfig withIdleTimeout(Duration idleTimeout) {
        return withKeepAlive(new FixedKeepAlive(idleTimeout));
    }

    public WorkerConfig withKeepAlive(KeepAlivePolicy newKeepAlive) {
        return new WorkerConfig(workDir, newKeepAlive, reapInterval, initTimeout, maxResponseBytes, logTailBytes, capacity, scalingSandboxes, scalingPeriod, hostMemory, streaming);
    }

    public WorkerConfig withReapInterval(Duration newReapInterval) {
        return new WorkerConfig(workDir, keepAlive, newReapInterval, initTimeout, maxResponseBytes, logTailBytes, capacity, scalingSandboxes, scalingPeriod, hostMemory, streaming);
    }

    public WorkerConfig withInitTimeout(Duration newInitTimeout) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, newInitTimeout, maxResponseBytes, logTailBytes, capacity, scalingSandboxes, scalingPeriod, hostMemory, streaming);
    }

    public WorkerConfig withMaxResponseBytes(long newMaxResponseBytes) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, initTimeout, newMaxResponseBytes, logTailBytes, capacity, scalingSandboxes, scalingPeriod, hostMemory, streaming);
    }

    public WorkerConfig withLogTailBytes(int newLogTailBytes) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, initTimeout, maxResponseBytes, newLogTailBytes, capacity, scalingSandboxes, scalingPeriod, hostMemory, streaming);
    }

    public WorkerConfig withCapacity(CapacitySettings newCapacity) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, initTimeout, maxResponseBytes, logTailBytes,
                newCapacity, scalingSandboxes, scalingPeriod, hostMemory, streaming);
    }

    /** At most {@code sandboxes} new sandboxes per function per {@code period}. */
    public WorkerConfig withScalingRate(int sandboxes, Duration period) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, initTimeout, maxResponseBytes, logTailBytes,
                capacity, sandboxes, period, hostMemory, streaming);
    }

    /** Decides whether new sandboxes fit by {@code newHostMemory}'s reading of the host's available memory. */
    public WorkerConfig withHostMemory(HostMemory newHostMemory) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, initTimeout, maxResponseBytes, logTailBytes,
                capacity, scalingSandboxes, scalingPeriod, newHostMemory, streaming);
    }

    /** Streamed responses within {@code newStreaming}'s size limit and bandwidth cap. */
    public WorkerConfig withStreaming(StreamingLimits newStreaming) {
        return new WorkerConfig(workDir, keepAlive, reapInterval, initTimeout, maxResponseBytes, logTailBytes,
                capacity, scalingSandboxes, scalingPeriod, hostMemory, newStreaming);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
