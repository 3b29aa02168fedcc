package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.OutboundPolicy;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link MicrovmSandboxBackend}.
 *
 * @param cacheDir where the built guest and the content-addressed code images are kept (shared by
 *     backends, survives restarts)
 * @param memoryDir where guest RAM files of snapshot-capable VMs and snapshots live; a tmpfs
 *     ({@code /dev/shm}) so that guest memory is never written to disk
 * @param contents what the guest's system image holds
 * @param accelerator KVM or TCG; empty to probe ({@link MicrovmSandboxBackend#probe()})
 * @param qemuBinary the {@code qemu-system-x86_64} to run
 * @param outbound where guests with network access may connect (nftables rules in QEMU's network
 *     namespace, {@link OutboundNetwork})
 */
public record MicrovmConfig(Path cacheDir, Path memoryDir, GuestContents contents, Optional<Accelerator> accelerator,
        String qemuBinary, OutboundPolicy outbound) {
    public MicrovmConfig {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(memoryDir, "memoryDir");
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(outbound, "outbound");
    }

    /** Settings whose guests follow {@link OutboundPolicy#DEFAULT}. */
    public MicrovmConfig(Path cacheDir, Path memoryDir, GuestContents contents, Optional<Accelerator> accelerator,
            String qemuBinary) {
        this(cacheDir, memoryDir, contents, accelerator, qemuBinary, OutboundPolicy.DEFAULT);
    }

    /** Probed accelerator, RAM files under {@code /dev/shm/hearth-microvm}, {@code qemu-system-x86_64} from PATH. */
    public static MicrovmConfig defaults(Path cacheDir, GuestContents contents) {
        return new MicrovmConfig(cacheDir, Path.of("/dev/shm/hearth-microvm"), contents, Optional.empty(), "qemu-system-x86_64");
    }

    public MicrovmConfig withAccelerator(Accelerator chosen) {
        return new MicrovmConfig(cacheDir, memoryDir, contents, Optional.of(chosen), qemuBinary, outbound);
    }

    public MicrovmConfig withMemoryDir(Path dir) {
        return new MicrovmConfig(cacheDir, dir, contents, accelerator, qemuBinary, outbound);
    }

    /** These settings with another outbound policy. */
    public MicrovmConfig withOutbound(OutboundPolicy policy) {
        return new MicrovmConfig(cacheDir, memoryDir, contents, accelerator, qemuBinary, policy);
    }
}
