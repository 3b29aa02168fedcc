package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxEscapeContract;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The escape contract against microVMs, under TCG here: each case boots one guest with 128-256 MB
 * (the static probes two at once), about 30 s for the class. The guest has its own kernel: its root
 * file system outside {@code /usr}, {@code /var/task} and {@code /var/runtime} is its own initramfs in
 * guest memory, and the guest kernel, not a host pids limit, is what a fork bomb runs into (the guest
 * init sets no process limit: {@code ResourceLimits.maxProcesses} is not enforced).
 */
final class TestMicrovmEscapes extends SandboxEscapeContract {

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new MicrovmSandboxBackend(TestGuests.config());
    }

    @Override
    protected SandboxBackend createBackend(Path workDir, OutboundPolicy outbound) {
        return new MicrovmSandboxBackend(TestGuests.config().withOutbound(outbound));
    }

    @Override
    protected EscapeTraits traits() {
        return new EscapeTraits(true, ForkBombContainment.GUEST_KERNEL);
    }

    @Override
    protected Duration patience() {
        return Duration.ofSeconds(90);
    }
}
