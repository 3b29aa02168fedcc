package dev.hearth.sandbox.cgroups;

import dev.hearth.sandbox.spi.ResourceLimits;

/**
 * The limits written into one sandbox's cgroup. Immutable.
 *
 * @param memoryBytes memory limit; swap is not allowed beyond it
 * @param cpuQuotaMicros CFS quota per {@link #CPU_PERIOD_US} (at least the kernel's 1 ms minimum)
 * @param pidsMax most tasks (processes and threads) alive at once
 * @param cpuAfterInit whether the cgroup starts without a CPU quota and gets {@code cpuQuotaMicros}
 *     only from {@link SandboxCgroup#limitCpu} on (see {@link ResourceLimits#unthrottledInit()});
 *     memory and pids apply from creation either way
 */
public record CgroupLimits(long memoryBytes, long cpuQuotaMicros, long pidsMax, boolean cpuAfterInit) {

    /** CFS period for the CPU quota (the kernel's default, 100 ms). */
    public static final long CPU_PERIOD_US = 100_000;
    /** The smallest quota the kernel accepts, 1 ms per period. */
    public static final long MIN_CPU_QUOTA_US = 1_000;

    public CgroupLimits {
        if (memoryBytes <= 0 || pidsMax <= 0) {
            throw new IllegalArgumentException("memory and pids limits must be positive: " + memoryBytes + ", " + pidsMax);
        }
        if (cpuQuotaMicros < MIN_CPU_QUOTA_US) {
            throw new IllegalArgumentException("CPU quota below the kernel's minimum of " + MIN_CPU_QUOTA_US + " us: "
                    + cpuQuotaMicros);
        }
    }

    /** The function's own limits, exactly: {@code memoryMb}, {@code vcpus}, {@code maxProcesses}, {@code unthrottledInit}. */
    public static CgroupLimits of(ResourceLimits limits) {
        return new CgroupLimits(limits.memoryMb() * 1024L * 1024L, cpuQuotaMicros(limits.vcpus()), limits.maxProcesses(),
                limits.unthrottledInit());
    }

    /** The CFS quota per {@link #CPU_PERIOD_US} that gives {@code vcpus}, at least {@link #MIN_CPU_QUOTA_US}. */
    public static long cpuQuotaMicros(double vcpus) {
        return Math.max(MIN_CPU_QUOTA_US, Math.round(vcpus * CPU_PERIOD_US));
    }
}
