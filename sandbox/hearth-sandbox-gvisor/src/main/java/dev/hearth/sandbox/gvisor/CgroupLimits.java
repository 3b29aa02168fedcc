package dev.hearth.sandbox.gvisor;

import dev.hearth.sandbox.spi.ResourceLimits;

/**
 * The host cgroup limits of one gVisor sandbox. The cgroup holds gVisor's whole kernel (Sentry,
 * Gofer and, on the ptrace platform, one stub process per address space with one thread per
 * application thread), so its limits are the function's plus an allowance for that kernel.
 *
 * @param memoryBytes memory limit: {@code memoryMb} plus the kernel allowance, no swap beyond it
 * @param cpuQuotaMicros CFS quota per {@link #CPU_PERIOD_US}: {@code vcpus} plus the kernel allowance
 * @param pidsMax host tasks: two per allowed application process/thread plus the kernel's own
 *     threads; the exact per-sandbox limit is {@code RLIMIT_NPROC} inside the sandbox, which
 *     gVisor enforces (fork fails with EAGAIN)
 */
record CgroupLimits(long memoryBytes, long cpuQuotaMicros, long pidsMax) {

    /** CFS period for the CPU quota (the kernel's default, 100 ms). */
    static final long CPU_PERIOD_US = 100_000;
    /** Host threads gVisor's kernel uses beyond those mirroring application threads. */
    static final int KERNEL_TASKS = 256;

    static CgroupLimits forSandbox(ResourceLimits limits, int kernelMemoryMb, double kernelVcpus) {
        long memory = ((long) limits.memoryMb() + kernelMemoryMb) * 1024L * 1024L;
        long quota = Math.max(1000, Math.round((limits.vcpus() + kernelVcpus) * CPU_PERIOD_US));
        long pids = 2L * limits.maxProcesses() + KERNEL_TASKS;
        return new CgroupLimits(memory, quota, pids);
    }
}
