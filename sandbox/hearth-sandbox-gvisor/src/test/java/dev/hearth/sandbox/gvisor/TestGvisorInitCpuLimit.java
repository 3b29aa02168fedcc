package dev.hearth.sandbox.gvisor;

import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.sandbox.cgroups.UnthrottledInitContract;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.nio.file.Path;

/**
 * Unthrottled Init on real gVisor sandboxes (needs root, runsc and socat): the cgroup's quota is the
 * function's vCPU share plus the default allowance for gVisor's kernel.
 */
final class TestGvisorInitCpuLimit extends UnthrottledInitContract {

    @Override
    protected SandboxBackend createBackend(Path stateDir) {
        return new GvisorSandboxBackend(GvisorSandboxSettings.defaults(stateDir));
    }

    @Override
    protected SandboxCgroup cgroupOf(Sandbox sandbox) {
        return ((GvisorSandbox) sandbox).cgroup();
    }

    @Override
    protected long quotaFor(double vcpus) {
        return CgroupLimits.cpuQuotaMicros(vcpus + GvisorSandboxSettings.defaults(Path.of("/unused")).kernelVcpus());
    }
}
