package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The guest configuration every test shares: one cache (built once per checkout) and TCG. */
final class TestGuests {
    /** Shared across test classes and runs, so that the guest image is built once. */
    static final Path CACHE = Path.of("target", "microvm-cache").toAbsolutePath();
    /** Snapshot RAM files of tests. */
    static final Path MEMORY = Path.of("/dev/shm", "hearth-microvm-test");

    private TestGuests() {}

    /** TCG explicitly, so that tests skip the KVM trial (TestMicrovmProbe runs it once). */
    static MicrovmConfig config() {
        try {
            return MicrovmConfig.defaults(CACHE, GuestContents.python()).withAccelerator(Accelerator.TCG).withMemoryDir(MEMORY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
