package dev.hearth.sandbox.spi.testing;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The output of a {@link FakeSandbox}: bytes written by its fake runtime (and by tests), read by one
 * reader, ending (EOF) once the sandbox has ended and everything written was read. Writes never
 * block; what the reader does not read stays in memory.
 *
 * <p>Threading: thread-safe; one reader.
 */
final class FakeOutput extends InputStream {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int offset;
    private boolean ended;
    private boolean readerClosed;

    /** Appends {@code bytes}; ignored after {@link #end()} or once the reader closed the stream. */
    void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        lock.lock();
        try {
            if (!ended && !readerClosed) {
                chunks.addLast(bytes.clone());
                written.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** No more output: the reader gets EOF once it has read what is buffered. Idempotent. */
    void end() {
        lock.lock();
        try {
            ended = true;
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws InterruptedIOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended && !readerClosed) {
                written.await();
            }
            if (chunks.isEmpty()) {
                return -1;
            }
            byte[] chunk = chunks.peekFirst();
            int n = Math.min(len, chunk.length - offset);
            System.arraycopy(chunk, offset, buffer, off, n);
            offset += n;
            if (offset == chunk.length) {
                chunks.removeFirst();
                offset = 0;
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading fake sandbox output");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            readerClosed = true;
            chunks.clear();
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
