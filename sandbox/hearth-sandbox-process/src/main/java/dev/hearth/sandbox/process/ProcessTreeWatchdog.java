package dev.hearth.sandbox.process;

import dev.hearth.threads.HearthThreads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual thread per backend that, every interval, reads the host's process table once and
 * lets each running sandbox record its resident memory and enforce its limits
 * ({@link ProcessSandbox#sample}). Sleeps through intervals when no sandbox runs. Thread-safe.
 */
final class ProcessTreeWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessTreeWatchdog.class);

    private final Duration interval;
    private final Set<ProcessSandbox> watched = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    ProcessTreeWatchdog(Duration interval) {
        this.interval = interval;
        this.thread = HearthThreads.virtual("process-watchdog").newThread(this::run);
    }

    void start() {
        thread.start();
    }

    void watch(ProcessSandbox sandbox) {
        watched.add(sandbox);
    }

    void unwatch(ProcessSandbox sandbox) {
        watched.remove(sandbox);
    }

    private void run() {
        while (!closed) {
            if (!watched.isEmpty()) {
                try {
                    ProcTable table = ProcTable.read();
                    for (ProcessSandbox sandbox : watched) {
                        sandbox.sample(table);
                    }
                } catch (RuntimeException e) {
                    // keep watching: a watchdog that died would let every later sandbox run unlimited
                    LOG.error("sampling sandbox processes failed; trying again next interval", e);
                }
            }
            LockSupport.parkNanos(interval.toNanos());
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
