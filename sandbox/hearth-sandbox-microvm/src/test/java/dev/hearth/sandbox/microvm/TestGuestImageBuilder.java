package dev.hearth.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guest built from the host's packages (shared test cache: built once, then reused). */
final class TestGuestImageBuilder {
    @Test
    void buildsOnceThenReusesTheCachedGuest() throws Exception {
        GuestImageBuilder builder = new GuestImageBuilder(TestGuests.CACHE.resolve("guest"), GuestContents.python());

        GuestImage image = builder.build();
        GuestImage again = builder.build();

        assertThat(again).isEqualTo(image);
        assertThat(Files.readAllBytes(image.vmlinux())).startsWith(0x7F, 'E', 'L', 'F');
        String initramfs = HostCommand.run(List.of("/bin/sh", "-c", "cpio -it --quiet < " + image.initramfs()),
                Duration.ofSeconds(30));
        assertThat(initramfs.lines().toList()).contains("init", "bin/busybox", "bin/sh", "hearth/modules/virtio_blk.ko",
                "hearth/modules/ext4.ko", "hearth/modules/virtio_net.ko", "hearth/modules.order");
        String usrBin = HostCommand.run(List.of("debugfs", "-R", "ls -p /bin", image.systemImage().toString()),
                Duration.ofSeconds(30));
        assertThat(usrBin).contains("/python3/", "/env/");
        String libs = HostCommand.run(List.of("debugfs", "-R", "ls -p /lib/x86_64-linux-gnu", image.systemImage().toString()),
                Duration.ofSeconds(30));
        assertThat(libs).contains("/libc.so.6/");
    }

    @Test
    void kernelsCompareByVersionNumbers() {
        assertThat(GuestImageBuilder.compareVersions("vmlinuz-6.1.0-56-amd64", "vmlinuz-6.1.0-9-amd64")).isPositive();
        assertThat(GuestImageBuilder.compareVersions("vmlinuz-6.10.0-1-amd64", "vmlinuz-6.9.0-1-amd64")).isPositive();
        assertThat(GuestImageBuilder.compareVersions("vmlinuz-6.1.0-1-amd64", "vmlinuz-6.1.0-1-amd64")).isZero();
    }
}
