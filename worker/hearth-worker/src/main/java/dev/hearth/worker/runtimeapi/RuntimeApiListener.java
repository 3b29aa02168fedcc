package dev.hearth.worker.runtimeapi;

import dev.hearth.sandbox.spi.RuntimeApiAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One sandbox's Runtime API listener (a connector of {@link RuntimeApiServer}). Closing it stops the
 * connector and closes its connections; idempotent and thread-safe.
 */
public final class RuntimeApiListener implements AutoCloseable {
    private final RuntimeApiAddress address;
    private final Runnable closer;
    private final AtomicBoolean closed = new AtomicBoolean();

    RuntimeApiListener(RuntimeApiAddress address, Runnable closer) {
        this.address = address;
        this.closer = closer;
    }

    /** Where the listener accepts connections, on the host side. */
    public RuntimeApiAddress address() {
        return address;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closer.run();
        }
    }
}
