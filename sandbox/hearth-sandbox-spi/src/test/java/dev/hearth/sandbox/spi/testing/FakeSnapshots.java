package dev.hearth.sandbox.spi.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxImage;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The fake backend's {@link SandboxSnapshots}: an image is a directory with one small file, and
 * remembers the {@link FakeRuntime} of the saved sandbox; a restored sandbox plays that runtime
 * without its Init (its first act is {@code /next}). The rules of the SPI hold: only sandboxes
 * launched for a snapshot can be saved (else {@link IllegalArgumentException}), saving kills the
 * sandbox, a restore with another memory size or from a deleted image is refused.
 */
final class FakeSnapshots implements SandboxSnapshots {
    static final String IMAGE_FILE = "fake-image.txt";

    /** A fake image: {@code directory} holds {@value #IMAGE_FILE}. */
    record FakeImage(Path directory, int memoryMb, long sizeBytes, FakeRuntime runtime) implements SandboxImage {}

    private final FakeSandboxBackend backend;

    FakeSnapshots(FakeSandboxBackend backend) {
        this.backend = backend;
    }

    @Override
    public Sandbox launchForSnapshot(SandboxSpec spec) throws SandboxLaunchException {
        return backend.start(spec, backend.launchRuntime(spec), true, false);
    }

    @Override
    public SandboxImage save(Sandbox sandbox, Path directory) throws IOException {
        if (!backend.owns(sandbox) || !(sandbox instanceof FakeSandbox fake) || !fake.launchedForSnapshot()) {
            throw new IllegalArgumentException("not launched for a snapshot by this fake backend: " + sandbox.id());
        }
        try {
            if (!fake.isAlive()) {
                throw new IOException("sandbox " + fake.id() + " has ended: " + fake.exitNow().orElseThrow());
            }
            Files.createDirectories(directory);
            Path file = Files.writeString(directory.resolve(IMAGE_FILE), "fake image of " + fake.id() + "\n", UTF_8);
            return new FakeImage(directory, fake.spec().limits().memoryMb(), Files.size(file), fake.runtime());
        } finally {
            fake.kill();
        }
    }

    @Override
    public Sandbox restore(SandboxImage image, SandboxSpec spec) throws SandboxLaunchException {
        if (!(image instanceof FakeImage fake)) {
            throw new SandboxLaunchException("not a fake image: " + image);
        }
        if (!Files.isRegularFile(fake.directory().resolve(IMAGE_FILE))) {
            throw new SandboxLaunchException("image " + fake.directory() + " was deleted");
        }
        if (spec.limits().memoryMb() != fake.memoryMb()) {
            throw new SandboxLaunchException("image " + fake.directory() + " was saved with " + fake.memoryMb()
                    + " MB; cannot restore with " + spec.limits().memoryMb() + " MB");
        }
        return backend.start(spec, fake.runtime(), false, true);
    }

    @Override
    public void delete(SandboxImage image) throws IOException {
        try (Stream<Path> files = Files.list(image.directory())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException gone) {
            return;
        }
        Files.deleteIfExists(image.directory());
    }
}
