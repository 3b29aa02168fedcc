package dev.hearth.sandbox.microvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code qemu-system-x86_64} argv of one microVM. Everything a snapshot restore must match (the
 * machine, devices and their order) is fixed here; what may differ between a VM and its restored
 * clones (sockets, files for output and logs) comes from the {@link VmFiles}.
 *
 * <p>Devices, in this order: virtio-blk {@code hearth-system}, {@code hearth-runtime},
 * {@code hearth-task}, {@code hearth-opt} (read-only, recognised in the guest by their serial; the
 * last holds the layers, an empty image without them, so every VM has the same devices), virtio-serial with the
 * ports {@code hearth.output} (QEMU's stdout) and {@code hearth.control} (a unix socket), and a
 * virtio-net card on QEMU's user-mode network whose {@code guestfwd} takes guest connections to
 * {@code 10.0.2.100:9001} to the host's Runtime API socket through {@code socat}.
 *
 * <p>The user-mode network depends on {@link MicrovmShape#networkAccess()}. Without it:
 * {@code restrict=on}, the guest reaches nothing but the Runtime API forward. With it:
 * {@code restrict=off} (IPv4 only), and the backend starts this argv inside a network namespace of
 * its own given outbound access by slirp4netns ({@link OutboundNetwork}). That namespace is what
 * makes {@code restrict=off} safe: QEMU's user network maps 10.0.2.2 (indeed all of 10.0.2.0/24)
 * to the loopback of the namespace QEMU runs in, and cannot be told not to; in the host's namespace
 * that would be the host's own 127.0.0.1.
 */
final class QemuCommandLine {
    /** Guest address whose port 9001 the user-mode network forwards to the Runtime API socket. */
    static final String GUEST_FORWARD = "10.0.2.100:9001";
    /**
     * Kernel options that halve the emulated boot (measured in README.md): the guest is one
     * function's, so in-guest LSMs, crypto self-tests and speculation mitigations buy nothing.
     * (The RTC stays on: without it the kernel waits 1 s twice for a clock that is not there.)
     */
    static final String GUEST_KERNEL_OPTIONS = "mitigations=off apparmor=0 lsm=capability cryptomgr.notests";
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/._+@-]+");

    private QemuCommandLine() {}

    /** Paths of the per-VM host files. */
    record VmFiles(Path initramfs, Path taskImage, Path runtimeImage, Path optImage, Path qmpSocket, Path controlSocket,
            Path consoleLog, Path runtimeApiSocket, Path forwarderLog) {}

    static List<String> build(String qemuBinary, GuestImage guest, MicrovmShape shape, VmFiles files, GuestMemory memory,
            boolean incoming) {
        for (Path path : List.of(files.qmpSocket(), files.controlSocket(), files.runtimeApiSocket(), files.forwarderLog(),
                files.consoleLog(), files.initramfs(), files.taskImage(), files.runtimeImage(), files.optImage(), guest.vmlinux(),
                guest.systemImage())) {
            if (!SAFE_PATH.matcher(path.toString()).matches()) {
                throw new IllegalArgumentException("path unsafe for QEMU's option syntax (letters, digits, /._+@- only): " + path);
            }
        }
        String machine = "microvm,acpi=on,pit=off,pic=off,rtc=on";
        List<String> argv = new ArrayList<>(List.of(qemuBinary));
        switch (memory) {
            case GuestMemory.Anonymous() -> {}
            case GuestMemory.SharedFile(Path file) -> {
                argv.addAll(List.of("-object", "memory-backend-file,id=ram,size=" + shape.memoryMb() + "M,mem-path=" + file
                        + ",share=on"));
                machine += ",memory-backend=ram";
            }
            case GuestMemory.PrivateCopyOf(Path file) -> {
                argv.addAll(List.of("-object", "memory-backend-file,id=ram,size=" + shape.memoryMb() + "M,mem-path=" + file
                        + ",share=off,readonly=off"));
                machine += ",memory-backend=ram";
            }
        }
        argv.addAll(List.of(
                "-M", machine,
                "-accel", shape.accelerator().qemuName(),
                "-cpu", shape.accelerator().cpuModel(),
                "-m", shape.memoryMb() + "M",
                "-smp", Integer.toString(shape.cpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-S",
                "-kernel", guest.vmlinux().toString(),
                "-initrd", files.initramfs().toString(),
                "-append", "console=ttyS0 quiet panic=-1 " + GUEST_KERNEL_OPTIONS + (shape.tscKhz() > 0 ? " tsc_early_khz=" + shape.tscKhz() : "")
                        + " tsc=reliable no_timer_check rdinit=/init",
                "-serial", "file:" + files.consoleLog(),
                "-drive", "id=system,file=" + guest.systemImage() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=system,serial=hearth-system",
                "-drive", "id=runtime,file=" + files.runtimeImage() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=runtime,serial=hearth-runtime",
                "-drive", "id=task,file=" + files.taskImage() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=task,serial=hearth-task",
                "-drive", "id=opt,file=" + files.optImage() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=opt,serial=hearth-opt",
                "-device", "virtio-serial-device,max_ports=4",
                "-chardev", "file,id=output,path=/proc/self/fd/1",
                "-device", "virtserialport,chardev=output,name=hearth.output",
                "-chardev", "socket,id=control,path=" + files.controlSocket() + ",server=on,wait=off",
                "-device", "virtserialport,chardev=control,name=hearth.control",
                // restrict=off only with network access, and then only inside QEMU's own network
                // namespace (OutboundNetwork): QEMU maps 10.0.2.2 to the loopback of its namespace.
                // The namespace has no IPv6 route, so the guest gets none either.
                "-netdev", "user,id=net," + (shape.networkAccess() ? "restrict=off,ipv6=off" : "restrict=on")
                        + ",guestfwd=tcp:" + GUEST_FORWARD
                        + "-cmd:socat -lf " + files.forwarderLog() + " STDIO UNIX-CONNECT:" + files.runtimeApiSocket(),
                "-device", "virtio-net-device,netdev=net",
                "-qmp", "unix:" + files.qmpSocket() + ",server=on,wait=off"));
        if (incoming) {
            argv.addAll(List.of("-incoming", "defer"));
        }
        return List.copyOf(argv);
    }
}
