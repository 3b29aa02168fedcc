package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.sandbox.cgroups.UnthrottledInitContract;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.nio.file.Path;

/** Unthrottled Init on real namespace sandboxes: the cgroup's quota is exactly the function's vCPU share. */
final class TestNamespaceInitCpuLimit extends UnthrottledInitContract {

    @Override
    protected SandboxBackend createBackend(Path stateDir) {
        return new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(stateDir));
    }

    @Override
    protected SandboxCgroup cgroupOf(Sandbox sandbox) {
        return ((NamespaceSandbox) sandbox).cgroup();
    }

    @Override
    protected long quotaFor(double vcpus) {
        return CgroupLimits.cpuQuotaMicros(vcpus);
    }
}
