package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackendContract;
import java.nio.file.Path;

/** The SPI contract against microVMs (TCG here: every case boots a guest, about 3-8 s each). */
final class TestMicrovmSandboxBackend extends SandboxBackendContract {
    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new MicrovmSandboxBackend(TestGuests.config());
    }

    /** Not yet: {@code /tmp} is a tmpfs in the guest's RAM. */
    @Override
    protected boolean tmpIsEphemeralStorage() {
        return false;
    }
}
