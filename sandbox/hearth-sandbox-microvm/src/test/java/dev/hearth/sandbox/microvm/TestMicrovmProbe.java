package dev.hearth.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.SandboxView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** probe() runs the KVM trial for real and reports the accelerator it chose. */
final class TestMicrovmProbe {
    @Test
    void probeTriesKvmAndReportsTheAcceleratorItChose() throws Exception {
        MicrovmConfig probing = MicrovmConfig.defaults(TestGuests.CACHE, GuestContents.python());
        try (MicrovmSandboxBackend backend = new MicrovmSandboxBackend(probing)) {
            HostSupport support = backend.probe();

            assertThat(support.usable()).as(support.toString()).isTrue();
            assertThat(support.missing()).isEmpty();
            assertThat(support.summary())
                    .matches("QEMU \\d+\\.\\d+.*, vmlinuz-.*, accelerator (kvm|tcg) \\(.+\\)")
                    .contains("accelerator " + backend.accelerator().qemuName());
            System.out.println("microvm probe: " + support.summary());
        }
    }

    @Test
    void configuredAcceleratorSkipsTheTrial() throws Exception {
        try (MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            assertThat(backend.probe().summary()).contains("accelerator tcg (configured)");
            assertThat(backend.name()).isEqualTo("microvm");
            assertThat(backend.runtimeApiTransport()).isEqualTo(RuntimeApiTransport.UNIX_SOCKET);
            assertThat(backend.view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/scratch"),
                    new RuntimeApiAddress.UnixSocket(Path.of("/srv/api.sock"))))
                    .isEqualTo(new SandboxView("/var/task", "/var/runtime", "/tmp", "127.0.0.1:9001"));
        }
    }
}
