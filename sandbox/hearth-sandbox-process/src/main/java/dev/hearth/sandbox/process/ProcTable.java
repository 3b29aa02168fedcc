package dev.hearth.sandbox.process;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of every process on the host, read from {@code /proc/<pid>/stat}: enough to find the
 * processes of one sandbox (its session, and the descendants of its first process) and their
 * resident memory. Immutable; a snapshot costs one small file read per host process.
 */
final class ProcTable {

    private static final Path PROC = Path.of("/proc");

    /** One process: ids, state letter ({@code Z} for zombies), threads and resident set size. */
    record Entry(long pid, long ppid, long session, char state, int threads, long rssBytes) {
        /** Zombies and dead tasks hold no resources and cannot be signalled further. */
        boolean live() {
            return state != 'Z' && state != 'X' && state != 'x';
        }
    }

    private final Map<Long, Entry> byPid;
    private final Map<Long, List<Entry>> childrenByPpid;

    private ProcTable(Map<Long, Entry> byPid) {
        this.byPid = byPid;
        this.childrenByPpid = new HashMap<>();
        for (Entry entry : byPid.values()) {
            childrenByPpid.computeIfAbsent(entry.ppid(), ppid -> new ArrayList<>()).add(entry);
        }
    }

    /** Reads the current process table; processes that vanish while it is read are left out. */
    static ProcTable read() {
        Map<Long, Entry> entries = new HashMap<>();
        byte[] buffer = new byte[2048];
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    Entry entry = readEntry("/proc/" + name + "/stat", buffer);
                    if (entry != null) {
                        entries.put(entry.pid(), entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PROC, e);
        }
        return new ProcTable(entries);
    }

    /**
     * The live processes of the sandbox whose first process is {@code leader}: those in its session
     * and those descending from it (even if they started a session of their own).
     */
    List<Entry> liveMembers(long leader) {
        Set<Long> seen = new HashSet<>();
        List<Entry> members = new ArrayList<>();
        Deque<Entry> pending = new ArrayDeque<>();
        Entry first = byPid.get(leader);
        if (first != null) {
            pending.add(first);
        }
        for (Entry entry : byPid.values()) {
            if (entry.session() == leader) {
                pending.add(entry);
            }
        }
        while (!pending.isEmpty()) {
            Entry entry = pending.poll();
            if (seen.add(entry.pid())) {
                if (entry.live()) {
                    members.add(entry);
                }
                pending.addAll(childrenByPpid.getOrDefault(entry.pid(), List.of()));
            }
        }
        return members;
    }

    /**
     * The peak resident memory ({@code VmHWM}) of one process, or 0 when it is gone or a zombie:
     * one small file read, cheap enough for every invocation.
     */
    static long peakRssBytes(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        String text;
        try {
            text = Files.readString(status, US_ASCII);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            if (Files.notExists(status.getParent())) {
                return 0;
            }
            throw new UncheckedIOException("cannot read " + status, e);
        }
        int at = text.indexOf("VmHWM:");
        if (at < 0) {
            return 0;
        }
        int end = text.indexOf('\n', at);
        String[] parts = text.substring(at + "VmHWM:".length(), end < 0 ? text.length() : end).strip().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
    }

    /** One stat file, read with a plain stream into a reused buffer: several times cheaper than NIO here. */
    private static Entry readEntry(String stat, byte[] buffer) {
        int length = 0;
        try (FileInputStream in = new FileInputStream(stat)) {
            int n;
            while (length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
            }
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            // a process that exits while being read fails with ESRCH
            if (Files.notExists(Path.of(stat).getParent())) {
                return null;
            }
            throw new UncheckedIOException("cannot read " + stat, e);
        }
        return length == 0 ? null : parse(new String(buffer, 0, length, US_ASCII));
    }

    /** Parses one {@code /proc/<pid>/stat} line; the command name may contain spaces and parentheses. */
    static Entry parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
        }
        long pid = Long.parseLong(line.substring(0, open).strip());
        String[] fields = line.substring(close + 2).strip().split(" ");
        // fields[0] is field 3 of proc(5): state, ppid, pgrp, session, ..., num_threads (20), ..., rss (24)
        return new Entry(pid, Long.parseLong(fields[1]), Long.parseLong(fields[3]), fields[0].charAt(0),
                Integer.parseInt(fields[17]), Long.parseLong(fields[21]) * PageSize.BYTES);
    }

    /** The kernel's page size, from the first mapping listed in {@code /proc/self/smaps}. */
    private static final class PageSize {
        static final long BYTES = read();

        private static long read() {
            Path smaps = PROC.resolve("self/smaps");
            try (BufferedReader reader = Files.newBufferedReader(smaps, US_ASCII)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("KernelPageSize:")) {
                        String[] parts = line.substring("KernelPageSize:".length()).strip().split("\\s+");
                        if (!parts[1].equals("kB")) {
                            throw new IllegalStateException("unexpected unit in " + smaps + ": " + line);
                        }
                        return Long.parseLong(parts[0]) * 1024;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + smaps, e);
            }
            throw new IllegalStateException("no KernelPageSize in " + smaps);
        }
    }
}
