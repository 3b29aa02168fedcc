package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxSnapshotsContract;
import java.nio.file.Path;

/** The SPI's snapshot contract against microVMs (TCG here: one boot, one save, two restores). */
final class TestMicrovmSnapshots extends SandboxSnapshotsContract {
    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new MicrovmSandboxBackend(TestGuests.config());
    }
}
