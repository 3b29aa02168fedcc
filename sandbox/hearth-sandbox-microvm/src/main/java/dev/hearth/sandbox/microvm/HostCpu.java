package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host CPU's TSC frequency, handed to guests as {@code tsc_early_khz}: under TCG, a guest kernel
 * that calibrates the TSC itself hangs in about one boot in six.
 */
final class HostCpu {
    private static volatile long tscKhz = -1;

    private HostCpu() {}

    /** kHz from the first "cpu MHz" of {@code /proc/cpuinfo}; 0 when unknown. */
    static long tscKhz() throws IOException {
        long known = tscKhz;
        if (known < 0) {
            known = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("cpu MHz"))
                    .findFirst()
                    .map(line -> Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()) * 1000))
                    .orElse(0L);
            tscKhz = known;
        }
        return known;
    }
}
