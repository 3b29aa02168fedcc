package dev.hearth.sandbox.gvisor;

import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.spi.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of a {@link GvisorSandboxBackend}. Immutable.
 *
 * @param stateDir directory owned by the backend: runsc's container state ({@code runsc/}, passed
 *     as {@code --root}), the shared read-only root file system skeleton ({@code rootfs/}) and the
 *     probe's scratch files; created if missing
 * @param sandboxUid uid that function code runs as inside the sandbox (never 0)
 * @param sandboxGid gid that function code runs as inside the sandbox (never 0); the Runtime API
 *     socket is given to this group
 * @param cgroupParentName name of the cgroup, created inside Hearth's own cgroup of each hierarchy,
 *     under which each sandbox gets a cgroup named by its container id
 * @param kernelMemoryMb memory added to each sandbox's cgroup limit for gVisor's own kernel
 *     (Sentry and Gofer, about 15–30 MB), so that a function gets roughly its MemorySize
 * @param kernelVcpus CPU added to each sandbox's cgroup quota for gVisor's own kernel: the Sentry
 *     starts up and serves every system call inside the same cgroup, and a 512 MB function's
 *     0.29 vCPU alone throttles a sandbox's start-up from about 0.3 s to 0.8 s; 0 makes the quota
 *     exactly Lambda's vCPU share
 * @param commandTimeout longest wait for a short runsc command (probe, delete)
 * @param outbound where sandboxes with network access may connect ({@link GvisorNetwork})
 */
public record GvisorSandboxSettings(
        Path stateDir, int sandboxUid, int sandboxGid, String cgroupParentName, int kernelMemoryMb,
        double kernelVcpus, Duration commandTimeout, OutboundPolicy outbound) {

    /** The uid and gid of {@code nobody} on Debian. */
    public static final int NOBODY = 65534;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public GvisorSandboxSettings {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (sandboxUid <= 0 || sandboxGid <= 0) {
            throw new IllegalArgumentException("sandbox uid and gid must be unprivileged (> 0): " + sandboxUid + ":" + sandboxGid);
        }
        if (!NAME.matcher(cgroupParentName).matches()) {
            throw new IllegalArgumentException("bad cgroup parent name: " + cgroupParentName);
        }
        if (kernelMemoryMb < 0) {
            throw new IllegalArgumentException("kernelMemoryMb must not be negative: " + kernelMemoryMb);
        }
        if (!(kernelVcpus >= 0)) {
            throw new IllegalArgumentException("kernelVcpus must not be negative: " + kernelVcpus);
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive: " + commandTimeout);
        }
        Objects.requireNonNull(outbound, "outbound");
    }

    /** Settings whose sandboxes follow {@link OutboundPolicy#DEFAULT}. */
    public GvisorSandboxSettings(Path stateDir, int sandboxUid, int sandboxGid, String cgroupParentName, int kernelMemoryMb,
            double kernelVcpus, Duration commandTimeout) {
        this(stateDir, sandboxUid, sandboxGid, cgroupParentName, kernelMemoryMb, kernelVcpus, commandTimeout,
                OutboundPolicy.DEFAULT);
    }

    /** These settings with another outbound policy. */
    public GvisorSandboxSettings withOutbound(OutboundPolicy policy) {
        return new GvisorSandboxSettings(stateDir, sandboxUid, sandboxGid, cgroupParentName, kernelMemoryMb, kernelVcpus,
                commandTimeout, policy);
    }

    /**
     * Sandboxes as {@code nobody:nogroup}, cgroups under {@code hearth-gvisor}, 32 MB and 1 vCPU for
     * gVisor's kernel, 10 s commands.
     */
    public static GvisorSandboxSettings defaults(Path stateDir) {
        return new GvisorSandboxSettings(stateDir, NOBODY, NOBODY, "hearth-gvisor", 32, 1.0, Duration.ofSeconds(10));
    }

    /** Host tasks gVisor's kernel uses beyond those mirroring application threads. */
    static final int KERNEL_TASKS = 256;

    /**
     * The host cgroup limits of one sandbox. The cgroup holds gVisor's whole kernel (Sentry, Gofer
     * and, on the ptrace platform, one stub process per address space with one thread per
     * application thread), so they are the function's plus this kernel's allowance: memory
     * {@code memoryMb + kernelMemoryMb} (no swap), CPU {@code vcpus + kernelVcpus}, and host tasks
     * two per allowed application process/thread plus {@link #KERNEL_TASKS} (the exact per-sandbox
     * limit is {@code RLIMIT_NPROC} inside, which gVisor enforces: fork fails with EAGAIN). The CPU
     * limit waits for Init when {@link ResourceLimits#unthrottledInit()}.
     */
    CgroupLimits cgroupLimits(ResourceLimits limits) {
        return new CgroupLimits(((long) limits.memoryMb() + kernelMemoryMb) * 1024L * 1024L,
                CgroupLimits.cpuQuotaMicros(limits.vcpus() + kernelVcpus), 2L * limits.maxProcesses() + KERNEL_TASKS,
                limits.unthrottledInit());
    }

    Path runscRoot() {
        return stateDir.resolve("runsc");
    }

    Path rootfs() {
        return stateDir.resolve("rootfs");
    }
}
