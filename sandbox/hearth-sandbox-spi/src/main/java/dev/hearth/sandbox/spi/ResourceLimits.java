package dev.hearth.sandbox.spi;

/**
 * Limits for one sandbox, derived from the function's configuration as Lambda does.
 *
 * @param memoryMb the function's MemorySize: the most memory the whole sandbox may use
 * @param vcpus CPU share; Lambda gives one vCPU per 1,769 MB ({@link #forMemory})
 * @param maxProcesses most processes/threads alive at once (stops fork bombs)
 * @param ephemeralStorageMb size of the sandbox's writable {@code /tmp}
 * @param unthrottledInit whether the CPU limit waits until {@link Sandbox#initialised()}: the Init
 *     phase then runs with the host's CPU (memory and pids limits apply from the start). Lambda's own
 *     Init is not slowed to the memory-proportional share; without this a 128 MB function spends most
 *     of a cold start waiting for its CPU quota.
 */
public record ResourceLimits(int memoryMb, double vcpus, int maxProcesses, int ephemeralStorageMb,
        boolean unthrottledInit) {
    /** Megabytes of memory that buy one vCPU, as in Lambda. */
    public static final int MB_PER_VCPU = 1769;
    /** Default process limit per sandbox (Lambda allows 1,024 processes/threads). */
    public static final int DEFAULT_MAX_PROCESSES = 1024;

    public ResourceLimits {
        if (memoryMb <= 0 || vcpus <= 0 || maxProcesses <= 0 || ephemeralStorageMb <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + memoryMb + " MB, " + vcpus
                    + " vCPU, " + maxProcesses + " processes, " + ephemeralStorageMb + " MB /tmp");
        }
    }

    /** Limits with the CPU limit applied from launch on. */
    public ResourceLimits(int memoryMb, double vcpus, int maxProcesses, int ephemeralStorageMb) {
        this(memoryMb, vcpus, maxProcesses, ephemeralStorageMb, false);
    }

    /** Lambda's rule: vCPUs proportional to memory, at most 6; Init unthrottled. */
    public static ResourceLimits forMemory(int memoryMb, int ephemeralStorageMb) {
        double vcpus = Math.min(6.0, (double) memoryMb / MB_PER_VCPU);
        return new ResourceLimits(memoryMb, vcpus, DEFAULT_MAX_PROCESSES, ephemeralStorageMb, true);
    }
}
