/**
 * The {@code microvm} sandbox backend: each sandbox is one {@code qemu-system-x86_64 -M microvm}
 * guest (Firecracker's model on QEMU), driven over QMP. Hearth builds the guest itself from the
 * host's Debian packages ({@link dev.hearth.sandbox.microvm.GuestImageBuilder}): the uncompressed
 * kernel, a busybox initramfs with a tiny init, and a read-only ext4 image of the runtimes' files.
 * Function code and runtime files travel as read-only ext4 images cached by content; the Runtime
 * API reaches the host's unix socket through QEMU user-mode networking, which with network access
 * runs in a network namespace of its own with outbound access through slirp4netns; snapshot/restore
 * is the SnapStart equivalent. The entry point is {@link dev.hearth.sandbox.microvm.MicrovmSandboxBackend}.
 */
package dev.hearth.sandbox.microvm;
