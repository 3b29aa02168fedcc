package dev.hearth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time used by the benchmark's processes, read from {@code /proc/PID/stat} (user + system, in
 * clock ticks of 10 ms): the load driver (this JVM), a server JVM, and the server's descendants
 * (Hearth's sandboxes; descendants already reaped count through the server's {@code cutime} and
 * {@code cstime}). Linux only. Stateless.
 */
final class ProcessCpu {
    /** {@code getconf CLK_TCK} on Linux. */
    private static final long TICK_NANOS = 10_000_000;

    /**
     * CPU consumed so far.
     *
     * @param driver this JVM
     * @param server the server JVM itself
     * @param children the server's live descendants plus its reaped children
     */
    record Snapshot(Duration driver, Duration server, Duration children) {
        /** What was consumed between {@code earlier} and this snapshot. */
        Snapshot since(Snapshot earlier) {
            return new Snapshot(driver.minus(earlier.driver), server.minus(earlier.server), children.minus(earlier.children));
        }
    }

    private ProcessCpu() {}

    static Snapshot snapshot(long serverPid) throws IOException {
        long[] server = ticks(serverPid);
        long children = server[1];
        for (ProcessHandle descendant : ProcessHandle.of(serverPid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
            children += ticks(descendant.pid())[0];
        }
        return new Snapshot(Duration.ofNanos(ticks(ProcessHandle.current().pid())[0] * TICK_NANOS),
                Duration.ofNanos(server[0] * TICK_NANOS), Duration.ofNanos(children * TICK_NANOS));
    }

    /** {utime + stime, cutime + cstime} of {@code pid}; zeros when it is gone. */
    static long[] ticks(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return new long[2];
        }
        // the command name may hold spaces and parentheses: fields are counted after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14 to 17
        return new long[] {
            Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long.parseLong(fields[13]) + Long.parseLong(fields[14])
        };
    }
}
