package dev.hearth.sandbox.microvm;

/**
 * The shape of a guest, identical between a snapshot's source VM and its restored clones.
 *
 * @param memoryMb guest RAM (the function's memory size)
 * @param cpus vCPUs: Lambda's one per 1,769 MB, rounded up, at least 1
 * @param accelerator KVM or TCG
 * @param networkAccess whether the guest may reach networks beyond the Runtime API: then QEMU runs in a network
 *     namespace of its own with outbound access through slirp4netns ({@link OutboundNetwork}), and so do the
 *     snapshot's clones
 * @param tscKhz the host TSC frequency handed to the guest kernel ({@code tsc_early_khz}; 0 to omit)
 */
public record MicrovmShape(int memoryMb, int cpus, Accelerator accelerator, boolean networkAccess, long tscKhz) {}
