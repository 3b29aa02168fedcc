package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxImage;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The SPI's snapshot capability of a {@link MicrovmSandboxBackend}: the SPI types mapped onto the
 * backend's own {@link MicrovmSandboxBackend#launchForSnapshot}, {@link MicrovmSandboxBackend#snapshot}
 * and {@link MicrovmSandboxBackend#restore}.
 *
 * <p>Restored clones reach the Runtime API of their own spec: the guest always connects to
 * {@value MicrovmSandboxBackend#GUEST_RUNTIME_API}, which each clone's QEMU forwards to the unix
 * socket in the restore's spec. The restore's memory limit must equal the image's; its vCPUs and
 * {@code /tmp} size are the image's (saved device and guest state cannot change them).
 *
 * <p>Threading: thread-safe (stateless; the backend is thread-safe).
 */
final class MicrovmSnapshots implements SandboxSnapshots {
    private final MicrovmSandboxBackend backend;

    MicrovmSnapshots(MicrovmSandboxBackend backend) {
        this.backend = backend;
    }

    @Override
    public Sandbox launchForSnapshot(SandboxSpec spec) throws SandboxLaunchException {
        return backend.launchForSnapshot(spec);
    }

    @Override
    public SandboxImage save(Sandbox sandbox, Path directory) throws IOException {
        if (!(sandbox instanceof MicrovmSandbox vm)) {
            throw new IllegalArgumentException(sandbox.id() + " is not a microvm sandbox: " + sandbox);
        }
        return backend.snapshot(vm, directory);
    }

    @Override
    public Sandbox restore(SandboxImage image, SandboxSpec spec) throws SandboxLaunchException {
        return backend.restore(ours(image), spec);
    }

    @Override
    public void delete(SandboxImage image) throws IOException {
        backend.delete(ours(image));
    }

    private static MicrovmSnapshot ours(SandboxImage image) {
        if (!(image instanceof MicrovmSnapshot snapshot)) {
            throw new IllegalArgumentException("not a microvm image: " + image);
        }
        return snapshot;
    }
}
