package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.SandboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A saved microVM (the SnapStart idea): its RAM file, QEMU's device state, and everything a clone
 * must attach identically (the initramfs it booted, the code and runtime images). Restoring maps
 * the RAM file copy-on-write, so any number of clones share it and it never changes.
 *
 * <p>The device state and initramfs live in {@link #directory()}; the RAM file stays in the
 * backend's memory directory (a tmpfs), where the saved VM's RAM already was: saving never copies
 * guest memory.
 *
 * <p>Ownership: the caller owns the snapshot and calls {@link #delete()} (or
 * {@link dev.hearth.sandbox.spi.SandboxSnapshots#delete}) when no clone will be started from it any
 * more; running clones keep their private mapping of the RAM file and are unaffected.
 *
 * @param dir directory holding {@code state.bin} and {@code initramfs.cpio}
 * @param ramFile the guest RAM (in the backend's memory directory, a tmpfs)
 * @param guest the kernel and system image the saved guest runs (clones attach the same, even if
 *     the host's packages have changed since)
 * @param taskImage read-only code image attached to clones
 * @param runtimeImage read-only runtime image attached to clones
 * @param optImage read-only image of the layers ({@code /opt}) attached to clones
 * @param shape memory, vCPUs, accelerator and network of every clone
 */
public record MicrovmSnapshot(Path dir, Path ramFile, GuestImage guest, Path taskImage, Path runtimeImage,
        Path optImage, MicrovmShape shape) implements SandboxImage {
    private static final Logger LOG = LoggerFactory.getLogger(MicrovmSnapshot.class);

    Path stateFile() {
        return dir.resolve("state.bin");
    }

    Path initramfs() {
        return dir.resolve("initramfs.cpio");
    }

    @Override
    public Path directory() {
        return dir;
    }

    /** Memory of every clone, MB. */
    @Override
    public int memoryMb() {
        return shape.memoryMb();
    }

    /**
     * Bytes of the RAM file (its full length: guest pages never touched are holes on the tmpfs and
     * cost nothing), the device state and the initramfs; 0 once deleted.
     */
    @Override
    public long sizeBytes() {
        long total = 0;
        for (Path file : new Path[] {ramFile, stateFile(), initramfs()}) {
            try {
                total += Files.size(file);
            } catch (NoSuchFileException deleted) {
                LOG.trace("snapshot file already deleted: {}", deleted.getFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + file, e);
            }
        }
        return total;
    }

    /** Whether the files a restore needs are all present. */
    boolean present() {
        return Files.isRegularFile(ramFile) && Files.isRegularFile(stateFile()) && Files.isRegularFile(initramfs());
    }

    /** Deletes the snapshot's files. */
    public void delete() throws IOException {
        Files.deleteIfExists(ramFile);
        GuestImageBuilder.deleteTree(dir);
    }
}
