package dev.hearth.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The most recent log lines of one invocation, bounded to about {@code limitBytes} of UTF-8.
 * Thread-safe: the log reader and the invoking thread both append.
 */
final class LogTail {
    /** Keeps nothing: for invocations whose caller did not ask for the tail. */
    static final LogTail DISCARD = new LogTail(0);

    private final int limitBytes;
    private final ArrayDeque<byte[]> lines = new ArrayDeque<>();
    private long bytes;

    LogTail(int limitBytes) {
        this.limitBytes = limitBytes;
    }

    void add(String line) {
        if (limitBytes > 0) {
            keep(line);
        }
    }

    private synchronized void keep(String line) {
        byte[] encoded = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lines.addLast(encoded);
        bytes += encoded.length;
        while (lines.size() > 1 && bytes - lines.peekFirst().length >= limitBytes) {
            bytes -= lines.removeFirst().length;
        }
    }

    /** The last {@code limitBytes} bytes of the lines so far, as text (a cut character is dropped). */
    synchronized String text() {
        byte[] all = new byte[(int) bytes];
        int at = 0;
        for (byte[] line : lines) {
            System.arraycopy(line, 0, all, at, line.length);
            at += line.length;
        }
        int from = Math.max(0, all.length - limitBytes);
        while (from > 0 && from < all.length && (all[from] & 0xC0) == 0x80) {
            from++;
        }
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }
}
