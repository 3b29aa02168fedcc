package dev.hearth.sandbox.gvisor;

import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxEscapeContract;
import java.nio.file.Path;

/**
 * The escape contract against runsc sandboxes (ptrace platform). gVisor's user-space kernel sits
 * between the function and the host, and the sandbox also has a read-only root and cgroup limits, so
 * it declares no differences from {@link EscapeTraits#CONTAINER}.
 */
final class TestGvisorEscapes extends SandboxEscapeContract {

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new GvisorSandboxBackend(GvisorSandboxSettings.defaults(workDir));
    }

    @Override
    protected SandboxBackend createBackend(Path workDir, OutboundPolicy outbound) {
        return new GvisorSandboxBackend(GvisorSandboxSettings.defaults(workDir).withOutbound(outbound));
    }
}
