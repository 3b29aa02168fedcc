package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A saved microVM (the SnapStart idea): its RAM file, QEMU's device state, and everything a clone
 * must attach identically (the initramfs it booted, the code and runtime images). Restoring maps
 * the RAM file copy-on-write, so any number of clones share it and it never changes.
 *
 * <p>Ownership: the caller owns the snapshot and calls {@link #delete()} when no clone will be
 * started from it any more (running clones keep their mapping and are unaffected).
 *
 * @param dir directory holding {@code state.bin} and {@code initramfs.cpio}
 * @param ramFile the guest RAM (in the backend's memory directory, a tmpfs)
 * @param guest the kernel and system image the saved guest runs (clones attach the same, even if
 *     the host's packages have changed since)
 * @param taskImage read-only code image attached to clones
 * @param runtimeImage read-only runtime image attached to clones
 * @param shape memory, vCPUs, accelerator and network of every clone
 */
public record MicrovmSnapshot(Path dir, Path ramFile, GuestImage guest, Path taskImage, Path runtimeImage,
        MicrovmShape shape) {

    Path stateFile() {
        return dir.resolve("state.bin");
    }

    Path initramfs() {
        return dir.resolve("initramfs.cpio");
    }

    /** Memory of every clone, MB. */
    public int memoryMb() {
        return shape.memoryMb();
    }

    /** Deletes the snapshot's files. */
    public void delete() throws IOException {
        Files.deleteIfExists(ramFile);
        GuestImageBuilder.deleteTree(dir);
    }
}
