package dev.hearth.worker;

import dev.hearth.worker.runtimeapi.RuntimeApiSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one sandbox's output and hands it on line by line (the only reader of
 * {@code Sandbox.output()}). Runs on its own (platform) thread until the output ends.
 *
 * <p>The last output of an invocation need not end with a newline (Java's {@code LambdaLogger.log},
 * {@code process.stdout.write}, {@code print(..., end="")}); Lambda still shows it as that
 * invocation's last log event, before {@code END}. Two ways get such a partial line out in time:
 *
 * <ul>
 *   <li><b>Log markers</b>, deterministic, for runtimes that cooperate (Hearth's python and node
 *       bootstraps): before posting an invocation's response or error, the runtime flushes its
 *       streams and writes {@link #marker} for the request id into the same output, then posts with
 *       the {@value RuntimeApiSession#LOG_MARKER_HEADER} header. Output is one byte stream in the order it was written, so
 *       when the pump reads the marker it has read everything written before it: it ends the partial
 *       line there (the marker itself is never logged) and {@link #awaitMarker} returns. No timing is
 *       involved, whatever the backend's output channel (a pipe, a VM's console) and however loaded the
 *       host. Lambda's own runtimes get the same guarantee from the framed log records of their
 *       telemetry channel; a marker in the byte stream is the least a runtime can do without another
 *       channel into the sandbox.</li>
 *   <li><b>A bounded settle</b>, for runtimes Hearth does not control (AWS's Java runtime interface
 *       client, {@code provided} bootstraps): {@link #settle} waits, within a bound, until the reader
 *       has consumed what was written, then {@link #flushPartial} ends the partial line. What is still
 *       unread when the bound runs out lands in the log stream later, never lost.</li>
 * </ul>
 *
 * <p>A marker is {@code NUL "hearth-log-marker:" token NUL}. One with an empty token only ends the
 * partial line (a log event boundary: a runtime writes one before its own error report, so that the
 * report is an event of its own, as on Lambda). Bytes that start like a marker but turn out not to be
 * one are output like any other. A function can write a marker itself: it only ends its own
 * invocation's log early.
 *
 * <p>Threading: {@link #run} on the pump's thread; {@link #settle}, {@link #flushPartial} and
 * {@link #awaitMarker} from invoking threads. The line state is guarded by a lock that the reader
 * never holds while blocked reading.
 */
final class LogPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
    /** Lambda splits longer lines into several log events. */
    static final int MAX_LINE_BYTES = 256 * 1024;
    private static final byte[] MARKER_PREFIX = "\0hearth-log-marker:".getBytes(StandardCharsets.US_ASCII);
    /** Longer tokens are not markers (request ids are 36 characters). */
    private static final int MAX_MARKER_TOKEN = 128;
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition markerRead = lock.newCondition();
    // guarded by lock
    private final byte[] partial = new byte[MAX_LINE_BYTES];
    private int partialLength;
    /** Bytes of a possible marker read so far (0: not in one). */
    private final byte[] candidate = new byte[MARKER_PREFIX.length + MAX_MARKER_TOKEN + 1];
    private int candidateLength;
    private String lastMarker = "";
    private boolean ended;

    private volatile boolean waitingForOutput;
    private final AtomicLong bytesRead = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    LogPump(InputStream output, Consumer<String> lines) {
        this.output = output;
        this.lines = lines;
    }

    /** The bytes a runtime writes to its output to mark the end of the invocation {@code token}'s output. */
    static byte[] marker(String token) {
        byte[] id = token.getBytes(StandardCharsets.US_ASCII);
        byte[] marker = Arrays.copyOf(MARKER_PREFIX, MARKER_PREFIX.length + id.length + 1);
        System.arraycopy(id, 0, marker, MARKER_PREFIX.length, id.length);
        return marker;
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
                lock.lock();
                try {
                    for (int i = 0; i < n; i++) {
                        accept(chunk[i]);
                    }
                } finally {
                    lock.unlock();
                }
                bytesRead.addAndGet(n);
            }
            finish();
            done.complete(null);
        } catch (IOException e) {
            finish();
            done.completeExceptionally(e);
            throw new UncheckedIOException("reading sandbox output failed", e);
        } catch (RuntimeException e) {
            finish();
            done.completeExceptionally(e);
            throw e;
        } finally {
            waitingForOutput = true;
        }
    }

    /** The output ended: what is held is output, and nobody need wait for a marker any more. */
    private void finish() {
        lock.lock();
        try {
            abandonCandidate();
            if (partialLength > 0) {
                emit();
            }
            ended = true;
            markerRead.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One byte of output. Caller holds the lock. */
    private void accept(byte b) {
        if (candidateLength > 0) {
            candidate[candidateLength++] = b;
            if (candidateLength <= MARKER_PREFIX.length) {
                if (b != MARKER_PREFIX[candidateLength - 1]) {
                    mismatch();
                }
            } else if (b == 0) {
                String token = new String(candidate, MARKER_PREFIX.length, candidateLength - MARKER_PREFIX.length - 1,
                        StandardCharsets.US_ASCII);
                candidateLength = 0;
                markerFound(token);
            } else if (b == '\n' || candidateLength == candidate.length) {
                mismatch();
            }
        } else if (b == 0) {
            candidate[candidateLength++] = b;
        } else {
            text(b);
        }
    }

    /**
     * The candidate's last byte does not continue a marker: its other bytes were output, and the last
     * one is looked at afresh (it may start a marker itself).
     */
    private void mismatch() {
        byte last = candidate[candidateLength - 1];
        candidateLength--;
        abandonCandidate();
        accept(last);
    }

    private void abandonCandidate() {
        int length = candidateLength;
        candidateLength = 0;
        for (int i = 0; i < length; i++) {
            text(candidate[i]);
        }
    }

    private void markerFound(String token) {
        if (partialLength > 0) {
            emit();
        }
        if (!token.isEmpty()) {
            lastMarker = token;
            markerRead.signalAll();
        }
    }

    private void text(byte b) {
        if (b == '\n') {
            emit();
        } else {
            if (partialLength == partial.length) {
                emit();
            }
            partial[partialLength++] = b;
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
     * Waits until the reader has read the marker for {@code token} (and so everything written before
     * it), at most {@code limit}; false when the limit ran out or the output ended without it.
     */
    boolean awaitMarker(String token, Duration limit) throws InterruptedException {
        long remaining = limit.toNanos();
        lock.lock();
        try {
            while (!token.equals(lastMarker)) {
                if (ended || remaining <= 0) {
                    return false;
                }
                remaining = markerRead.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands on the partial line read so far (output without its newline yet), if any, as a line of
     * its own: what a runtime wrote last before its response belongs to that invocation.
     */
    void flushPartial() {
        lock.lock();
        try {
            if (partialLength > 0) {
                emit();
            }
        } finally {
            lock.unlock();
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
