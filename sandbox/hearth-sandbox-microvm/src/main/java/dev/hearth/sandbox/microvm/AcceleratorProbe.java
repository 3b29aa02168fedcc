package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds out whether KVM really runs guests here by trying it: {@code /dev/kvm} can exist and open
 * while guests still fail (nested PVM hosts need a PVM guest kernel, and a normal kernel dies with
 * "KVM internal error ... emulation failure"). The trial boots the host's compressed kernel without
 * a root file system under KVM; KVM works if that kernel gets as far as its "Unable to mount root"
 * panic within a few seconds (on PVM hosts it spins silently instead).
 *
 * <p>Threading: stateless; each call runs one short QEMU process.
 */
final class AcceleratorProbe {
    /** A working KVM boots the kernel to its root mount in well under a second. */
    private static final Duration TRIAL = Duration.ofSeconds(4);

    private AcceleratorProbe() {}

    /** The outcome: which accelerator to use, and why (one line for the start-up log). */
    record Result(Accelerator accelerator, String reason) {}

    static Result probe(String qemuBinary, Path kernel, Path workDir) throws IOException {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return new Result(Accelerator.TCG, "no /dev/kvm");
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return new Result(Accelerator.TCG, "/dev/kvm is not read-writable by this user");
        }
        Files.createDirectories(workDir);
        Path console = Files.createTempFile(workDir, "kvm-probe-", ".log");
        try {
            Process process = new ProcessBuilder(List.of(qemuBinary, "-M", "microvm", "-accel", "kvm", "-cpu", "host",
                    "-m", "96", "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                    "-kernel", kernel.toString(), "-append", "console=ttyS0 panic=-1 loglevel=4",
                    "-serial", "file:" + console))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true)
                    .start();
            try {
                long deadline = System.nanoTime() + TRIAL.toNanos();
                while (System.nanoTime() < deadline) {
                    String log = Files.readString(console, UTF_8);
                    if (log.contains("Unable to mount root") || log.contains("Kernel panic")) {
                        return new Result(Accelerator.KVM, "KVM trial boot reached the kernel's root mount");
                    }
                    if (!process.isAlive()) {
                        return new Result(Accelerator.TCG, "KVM trial guest died early (QEMU exit " + process.exitValue()
                                + "): nested/PVM KVM cannot run this kernel");
                    }
                    LockSupport.parkNanos(50_000_000);
                }
                return new Result(Accelerator.TCG, "KVM trial guest hung for " + TRIAL.toSeconds()
                        + " s: nested/PVM KVM cannot run this kernel");
            } finally {
                process.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(console);
        }
    }
}
