package dev.hearth.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one sandbox's output and hands it on line by line (the only reader of
 * {@code Sandbox.output()}). Runs on its own (platform) thread until the output ends.
 *
 * <p>{@link #settle} lets an invoking thread wait until output written before a response has been
 * read, so that it lands in that invocation's log tail rather than the next one's.
 */
final class LogPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
    /** Lambda splits longer lines into several log events. */
    static final int MAX_LINE_BYTES = 256 * 1024;
    /**
     * How long the reader must have been blocked with nothing new read before output is taken as
     * pumped, when the caller wants the log tail. A reader woken by new output may wait that long for
     * a CPU on a loaded host (0.5 ms lost most of a 1,000-line tail under the full test suite).
     */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long BUSY_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long SETTLE_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** When the caller asked for the log tail, a loaded host gets longer to pump what was written. */
    private static final long THOROUGH_SETTLE_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final InputStream output;
    private final Consumer<String> lines;
    private final byte[] partial = new byte[MAX_LINE_BYTES];
    private int partialLength;
    private volatile boolean waitingForOutput;
    private final AtomicLong bytesRead = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    LogPump(InputStream output, Consumer<String> lines) {
        this.output = output;
        this.lines = lines;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[16 * 1024];
        try (output) {
            while (true) {
                waitingForOutput = true;
                int n = output.read(chunk);
                waitingForOutput = false;
                if (n < 0) {
                    break;
                }
                split(chunk, n);
                bytesRead.addAndGet(n);
            }
            if (partialLength > 0) {
                emit();
            }
            done.complete(null);
        } catch (IOException e) {
            done.completeExceptionally(e);
            throw new UncheckedIOException("reading sandbox output failed", e);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            throw e;
        } finally {
            waitingForOutput = true;
        }
    }

    private void split(byte[] chunk, int n) {
        for (int i = 0; i < n; i++) {
            byte b = chunk[i];
            if (b == '\n') {
                emit();
            } else {
                if (partialLength == partial.length) {
                    emit();
                }
                partial[partialLength++] = b;
            }
        }
    }

    private void emit() {
        int length = partialLength;
        if (length > 0 && partial[length - 1] == '\r') {
            length--;
        }
        partialLength = 0;
        String line = new String(partial, 0, length, StandardCharsets.UTF_8);
        try {
            lines.accept(line);
        } catch (RuntimeException e) {
            // keep draining the output, or the sandbox blocks on a full pipe; the line is reported here
            LOG.error("could not record a sandbox log line: {}", line, e);
        }
    }

    /**
     * Waits (briefly, bounded) until the reader has consumed what was already written: it is blocked
     * reading and, when {@code thorough}, no more output arrived for {@link #QUIET_NANOS}.
     */
    void settle(boolean thorough) {
        long deadline = System.nanoTime() + (thorough ? THOROUGH_SETTLE_LIMIT_NANOS : SETTLE_LIMIT_NANOS);
        while (System.nanoTime() < deadline && !done.isDone()) {
            if (waitingForOutput) {
                if (!thorough) {
                    return;
                }
                long seen = bytesRead.get();
                LockSupport.parkNanos(QUIET_NANOS);
                if (waitingForOutput && bytesRead.get() == seen) {
                    return;
                }
            } else {
                LockSupport.parkNanos(BUSY_PAUSE_NANOS);
            }
        }
    }

    /** Completes when the output has ended and every line was handed on. */
    CompletableFuture<Void> done() {
        return done;
    }
}
