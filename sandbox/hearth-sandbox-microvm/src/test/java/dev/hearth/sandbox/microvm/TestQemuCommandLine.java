package dev.hearth.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of the QEMU command line that snapshots and isolation depend on. */
final class TestQemuCommandLine {
    private static final GuestImage GUEST = new GuestImage(Path.of("/cache/vmlinux"), Path.of("/cache/initramfs.cpio"),
            Path.of("/cache/system.ext4"), "6.1.0-56-amd64");
    private static final QemuCommandLine.VmFiles FILES = files(Path.of("/scratch/sb-1"));

    @Test
    void isolatedGuestGetsRestrictedUserNetworkWithTheRuntimeApiForward() {
        List<String> argv = QemuCommandLine.build("qemu-system-x86_64", GUEST,
                new MicrovmShape(512, 1, Accelerator.TCG, false, 2_600_000), FILES, new GuestMemory.Anonymous(), false);

        assertThat(argv).containsSequence("-netdev", "user,id=net,restrict=on,guestfwd=tcp:10.0.2.100:9001-cmd:socat -lf "
                + "/scratch/sb-1/forwarder.log STDIO UNIX-CONNECT:/scratch/sb-1/api.sock");
        assertThat(argv).containsSequence("-M", "microvm,acpi=on,pit=off,pic=off,rtc=on")
                .containsSequence("-accel", "tcg").containsSequence("-m", "512M").containsSequence("-smp", "1")
                .contains("-S").doesNotContain("-incoming");
        assertThat(String.join(" ", argv)).contains("tsc_early_khz=2600000", "readonly=on", "serial=hearth-task");
        assertThat(argv).containsSequence("-drive", "id=opt,file=/cache/opt.ext4,format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=opt,serial=hearth-opt");
    }

    @Test
    void networkAccessLiftsTheRestrictionForTheBackendToStartQemuInANamespaceOfItsOwn() {
        List<String> argv = QemuCommandLine.build("qemu-system-x86_64", GUEST,
                new MicrovmShape(512, 1, Accelerator.TCG, true, 0), FILES, new GuestMemory.Anonymous(), false);

        assertThat(argv.getFirst()).isEqualTo("qemu-system-x86_64");
        assertThat(argv).containsSequence("-netdev", "user,id=net,restrict=off,ipv6=off,guestfwd=tcp:10.0.2.100:9001-cmd:socat"
                + " -lf /scratch/sb-1/forwarder.log STDIO UNIX-CONNECT:/scratch/sb-1/api.sock");
        assertThat(String.join(" ", argv)).doesNotContain("tsc_early_khz");
        // the namespace: unshare execs QEMU, so the process the backend starts is QEMU's
        assertThat(OutboundNetwork.namespaceCommand(true)).containsExactly("unshare", "--net", "--");
        assertThat(OutboundNetwork.namespaceCommand(false)).containsExactly("unshare", "--user", "--map-root-user", "--net", "--");
    }

    @Test
    void snapshotSourceSharesItsRamFileAndClonesMapItPrivately() {
        MicrovmShape shape = new MicrovmShape(128, 1, Accelerator.TCG, false, 0);
        List<String> source = QemuCommandLine.build("qemu", GUEST, shape, FILES,
                new GuestMemory.SharedFile(Path.of("/dev/shm/a.ram")), false);
        List<String> clone = QemuCommandLine.build("qemu", GUEST, shape, files(Path.of("/scratch/sb-2")),
                new GuestMemory.PrivateCopyOf(Path.of("/dev/shm/a.ram")), true);

        assertThat(source).containsSequence("-object", "memory-backend-file,id=ram,size=128M,mem-path=/dev/shm/a.ram,share=on");
        assertThat(clone).containsSequence("-object",
                "memory-backend-file,id=ram,size=128M,mem-path=/dev/shm/a.ram,share=off,readonly=off");
        assertThat(clone).containsSequence("-incoming", "defer").contains("microvm,acpi=on,pit=off,pic=off,rtc=on,memory-backend=ram");
        // same devices in the same order: only per-VM paths differ
        assertThat(devices(clone)).isEqualTo(devices(source));
    }

    @Test
    void pathsThatQemuOptionSyntaxWouldSplitAreRefused() {
        assertThatThrownBy(() -> QemuCommandLine.build("qemu", GUEST, new MicrovmShape(128, 1, Accelerator.TCG, false, 0),
                files(Path.of("/scratch/a,b")), new GuestMemory.Anonymous(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/scratch/a,b");
    }

    private static List<String> devices(List<String> argv) {
        return java.util.stream.IntStream.range(0, argv.size() - 1).filter(i -> argv.get(i).equals("-device"))
                .mapToObj(i -> argv.get(i + 1)).toList();
    }

    private static QemuCommandLine.VmFiles files(Path scratch) {
        return new QemuCommandLine.VmFiles(scratch.resolve("initramfs.cpio"), Path.of("/cache/task.ext4"),
                Path.of("/cache/runtime.ext4"), Path.of("/cache/opt.ext4"), scratch.resolve("qmp.sock"), scratch.resolve("control.sock"),
                scratch.resolve("console.log"), scratch.resolve("api.sock"), scratch.resolve("forwarder.log"));
    }
}
