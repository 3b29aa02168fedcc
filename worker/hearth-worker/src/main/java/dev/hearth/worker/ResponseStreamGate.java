package dev.hearth.worker;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Between a runtime's streamed response and its {@link ResponseChunks} consumer: counts the bytes
 * against {@link StreamingLimits#maxBytes()}, paces them to the bandwidth cap, and closes for good
 * when the invocation has ended, so that no chunk reaches the consumer after the invoking thread
 * took over (a timeout racing a late chunk).
 *
 * <p>Threading: {@link #pass} is called by the Runtime API thread reading the runtime's body,
 * {@link #close} by the invoking thread; both under one lock, which a slow consumer holds for as long
 * as its write takes (never while the pool's lock is held).
 */
final class ResponseStreamGate {
    /** What became of a chunk. */
    enum Passed {
        /** Handed to the consumer (or dropped because the consumer is gone: the function goes on). */
        TAKEN,
        /** Over the size limit: the response ends with an error. */
        TOO_LARGE,
        /** The invocation has ended: nothing more is passed on. */
        CLOSED
    }

    private final ResponseChunks consumer;
    private final StreamingLimits limits;
    private final ReentrantLock lock = new ReentrantLock();
    // guarded by lock
    private boolean closed;
    private boolean consumerGone;
    private boolean begun;
    /** The streamed response's content type, once the runtime opened it; read under the lock. */
    private volatile String contentType = "application/octet-stream";
    private long bytes;
    private long cappedSinceNanos;

    ResponseStreamGate(ResponseChunks consumer, StreamingLimits limits) {
        this.consumer = consumer;
        this.limits = limits;
    }

    Passed pass(byte[] chunk, int offset, int length) {
        lock.lock();
        try {
            if (closed) {
                return Passed.CLOSED;
            }
            if (bytes + length > limits.maxBytes()) {
                return Passed.TOO_LARGE;
            }
            pace(length);
            bytes += length;
            if (!consumerGone) {
                try {
                    if (!begun) {
                        begun = true;
                        consumer.begin(Optional.of(contentType));
                    }
                    consumer.write(chunk, offset, length);
                } catch (IOException e) {
                    consumerGone = true;
                }
            }
            return Passed.TAKEN;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code length} more bytes are within the bandwidth cap. Caller holds the lock. */
    private void pace(int length) {
        long after = bytes + length;
        if (after <= limits.uncappedBytes() || limits.bytesPerSecond() == Long.MAX_VALUE) {
            return;
        }
        if (cappedSinceNanos == 0) {
            cappedSinceNanos = System.nanoTime();
        }
        long cappedBytes = after - limits.uncappedBytes();
        long dueNanos = cappedSinceNanos + (long) (cappedBytes * 1e9 / limits.bytesPerSecond());
        for (long wait; (wait = dueNanos - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Passes a response the runtime posted whole; only from the invoking thread, after {@link #close}. */
    void passWhole(byte[] payload) {
        lock.lock();
        try {
            if (payload.length > 0 && !consumerGone && !begun) {
                begun = true;
                consumer.begin(Optional.empty());
                consumer.write(payload, 0, payload.length);
            }
        } catch (IOException e) {
            consumerGone = true;
        } finally {
            lock.unlock();
        }
    }

    /** The runtime opened its streamed response with {@code type} as its {@code Content-Type}. */
    void contentType(String type) {
        contentType = type;
    }

    /** The invocation ended: waits for a chunk being passed, then lets none through any more. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    long limit() {
        return limits.maxBytes();
    }
}
