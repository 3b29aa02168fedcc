package dev.hearth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a run happened on, read from {@code /proc}. Immutable.
 *
 * @param processors available processors
 * @param cpuModel the first "model name" of {@code /proc/cpuinfo}
 * @param kernel {@code /proc/sys/kernel/osrelease}
 * @param loadAverage {@code /proc/loadavg}'s 1-minute load when the run started
 * @param javaVersion the benchmark JVM's version (the servers run on the same java)
 */
record MachineDescription(int processors, String cpuModel, String kernel, String loadAverage, String javaVersion) {

    static MachineDescription current() throws IOException {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElse("unknown CPU");
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        return new MachineDescription(Runtime.getRuntime().availableProcessors(), model, kernel, currentLoadAverage(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
    }

    /** {@code /proc/loadavg}'s 1-minute load now. */
    static String currentLoadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
    }

    String summary() {
        return String.format(Locale.ROOT, "%d CPUs (%s), kernel %s, %s, 1-min load average %s at start",
                processors, cpuModel, kernel, javaVersion, loadAverage);
    }
}
