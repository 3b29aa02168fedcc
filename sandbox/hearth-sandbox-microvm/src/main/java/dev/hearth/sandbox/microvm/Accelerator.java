package dev.hearth.sandbox.microvm;

/** How QEMU runs the guest's CPU. */
public enum Accelerator {
    /** Hardware virtualisation through {@code /dev/kvm}: near-native speed. */
    KVM("kvm", "host"),
    /** QEMU's software emulation (TCG): works everywhere, guest CPU 10-100 times slower. */
    TCG("tcg", "max");

    private final String qemuName;
    private final String cpuModel;

    Accelerator(String qemuName, String cpuModel) {
        this.qemuName = qemuName;
        this.cpuModel = cpuModel;
    }

    /** The value of QEMU's {@code -accel}. */
    public String qemuName() {
        return qemuName;
    }

    /** The value of QEMU's {@code -cpu} that goes with it. */
    public String cpuModel() {
        return cpuModel;
    }
}
