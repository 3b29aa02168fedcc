package dev.hearth.sandbox.cgroups;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Reading and writing the small text files of a cgroup file system. Stateless. */
final class CgroupFiles {

    /** What reading a file of a cgroup that is being removed fails with (ENODEV). */
    private static final String REMOVED = "No such device";

    private static final long NUDGE_NANOS = 100_000_000;
    private static final long MAX_POLL_NANOS = 5_000_000;

    private CgroupFiles() {}

    /** Writes {@code value} to a control file; the kernel's refusal (EINVAL, EBUSY...) is the exception. */
    static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value, US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    /** A file holding one number ({@code memory.max_usage_in_bytes}; {@code max} is {@link Long#MAX_VALUE}); {@code -1} if absent. */
    static long number(Path file) {
        try {
            String text = Files.readString(file, US_ASCII).strip();
            return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The whole text of a control file, stripped; empty if absent. */
    static String text(Path file) {
        try {
            return Files.readString(file, US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The value of {@code key} in a flat-keyed file ({@code memory.events}, {@code memory.oom_control}); 0 if absent. */
    static long keyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, US_ASCII)) {
                String[] parts = line.strip().split(" ");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Long.parseLong(parts[1]);
                }
            }
            return 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** An action that may fail like a control-file write. */
    @FunctionalInterface
    interface Nudge {
        void run() throws IOException;
    }

    /**
     * Waits until a control file reads {@code expected}, polling with a growing pause (from 50 µs
     * up to 5 ms) and running {@code nudge} every 100 ms (v1's freezer can stay {@code FREEZING}
     * when a task was busy: writing {@code FROZEN} again retries it).
     *
     * @throws IOException naming the file and what it last read, after {@code deadline}
     */
    static void awaitText(Path file, String expected, Duration deadline, Nudge nudge) throws IOException {
        long start = System.nanoTime();
        long lastNudge = start;
        long pauseNanos = 50_000;
        while (true) {
            String text = text(file);
            if (text.equals(expected)) {
                return;
            }
            long now = System.nanoTime();
            if (now - start > deadline.toNanos()) {
                throw new IOException(file + " reads '" + text + "', not '" + expected + "', after " + deadline);
            }
            if (now - lastNudge > NUDGE_NANOS) {
                nudge.run();
                lastNudge = now;
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_POLL_NANOS);
        }
    }

    /** Waits until {@code key} in a flat-keyed file has {@code expected}, as {@link #awaitText} does. */
    static void awaitKeyed(Path file, String key, long expected, Duration deadline) throws IOException {
        long start = System.nanoTime();
        long pauseNanos = 50_000;
        while (keyed(file, key) != expected) {
            if (System.nanoTime() - start > deadline.toNanos()) {
                throw new IOException(file + ": " + key + " is not " + expected + " after " + deadline);
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_POLL_NANOS);
        }
    }

    /** The pids listed in a {@code cgroup.procs} file; empty if the cgroup is gone or being removed. */
    static List<Long> pids(Path procs) {
        try {
            List<Long> pids = new ArrayList<>();
            for (String line : Files.readAllLines(procs, US_ASCII)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
            return pids;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (FileSystemException e) {
            if (REMOVED.equals(e.getReason())) {
                return List.of(); // the kernel is removing the cgroup: it has no members
            }
            throw new UncheckedIOException("cannot read " + procs, e);
        } catch (IOException e) {
            if (REMOVED.equals(e.getMessage())) {
                return List.of(); // removed between open and read: ENODEV from read(2), no members
            }
            throw new UncheckedIOException("cannot read " + procs, e);
        }
    }
}
