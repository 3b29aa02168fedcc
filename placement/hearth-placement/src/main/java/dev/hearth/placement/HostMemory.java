package dev.hearth.placement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much memory the host can still give to new processes, measured, not estimated. Idle sandboxes
 * hold only what their runtime really uses, so this (not the sum of MemorySize) is what decides
 * whether another sandbox fits.
 *
 * <p>Threading: implementations are thread-safe.
 */
@FunctionalInterface
public interface HostMemory {

    /** Megabytes available to new processes without swapping. */
    long availableMb();

    /** Linux's own estimate, {@code MemAvailable} in {@code /proc/meminfo}. */
    static HostMemory procMeminfo() {
        Path meminfo = Path.of("/proc/meminfo");
        return () -> {
            try {
                for (String line : Files.readAllLines(meminfo)) {
                    if (line.startsWith("MemAvailable:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                    }
                }
                throw new IllegalStateException("no MemAvailable in " + meminfo);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + meminfo, e);
            }
        };
    }

    /** {@code MemTotal} of {@code /proc/meminfo}, in megabytes. */
    static long totalMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
            throw new IllegalStateException("no MemTotal in /proc/meminfo");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/meminfo", e);
        }
    }
}
