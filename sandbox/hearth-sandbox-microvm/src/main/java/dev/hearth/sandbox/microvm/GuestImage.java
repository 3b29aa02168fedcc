package dev.hearth.sandbox.microvm;

import java.nio.file.Path;

/**
 * A built guest: files shared read-only by every microVM of a backend; never modified once built.
 *
 * @param vmlinux the uncompressed, PVH-bootable guest kernel
 * @param initramfs busybox, the virtio modules and Hearth's init (uncompressed newc cpio)
 * @param systemImage read-only ext4 image mounted at {@code /usr} in the guest
 * @param kernelRelease e.g. {@code 6.1.0-56-amd64}
 */
public record GuestImage(Path vmlinux, Path initramfs, Path systemImage, String kernelRelease) {}
