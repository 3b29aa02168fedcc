package dev.hearth.async;

import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.EventQueueException;
import dev.hearth.queue.spi.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pollers: each leases up to {@link AsyncConfig#leaseBatchSize()} visible events, runs them
 * concurrently through the {@link EventProcessor}, extends their leases every third of the lease
 * duration while they run, and leases again. When nothing is visible a poller waits until {@link
 * #wake} is called (an event was accepted) or, doubling from 1 ms, at most {@link
 * AsyncConfig#idlePollInterval()} (retries whose delay ended), so an idle server does not spin.
 *
 * <p>Threading: pollers and events run on the injected executor, which must start a thread per
 * task (virtual threads). {@link #close} stops leasing, waits up to 10 s for running events, then
 * interrupts them; their leases expire and the events are delivered again.
 */
final class PollerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollerPool.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final Duration MIN_IDLE_WAIT = Duration.ofMillis(1);

    private final EventQueue queue;
    private final EventProcessor processor;
    private final AsyncConfig config;
    private final ExecutorService executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private final List<Future<?>> pollers = new ArrayList<>();
    private long wakeups;
    private volatile boolean closed;

    PollerPool(EventQueue queue, EventProcessor processor, AsyncConfig config, ExecutorService executor) {
        this.queue = queue;
        this.processor = processor;
        this.config = config;
        this.executor = executor;
    }

    void start() {
        for (int i = 0; i < config.pollers(); i++) {
            pollers.add(executor.submit(this::poll));
        }
    }

    /** Tells idle pollers that events may be visible. Cheap; call after every enqueue. */
    void wake() {
        lock.lock();
        try {
            wakeups++;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void poll() {
        Duration idle = MIN_IDLE_WAIT;
        while (!closed) {
            long seen = wakeups();
            List<Lease> leases;
            try {
                leases = queue.lease(config.leaseBatchSize(), config.leaseDuration());
            } catch (EventQueueException e) {
                if (closed) {
                    return;
                }
                LOG.error("Leasing events failed; trying again in {}", config.idlePollInterval(), e);
                idle = config.idlePollInterval();
                leases = List.of();
            }
            if (leases.isEmpty()) {
                if (!awaitWork(seen, idle)) {
                    return;
                }
                idle = idle.multipliedBy(2).compareTo(config.idlePollInterval()) > 0 ? config.idlePollInterval() : idle.multipliedBy(2);
                continue;
            }
            idle = MIN_IDLE_WAIT;
            if (!runBatch(leases)) {
                return;
            }
        }
    }

    /** Runs a batch to its end, extending the leases of unfinished events; false when interrupted. */
    private boolean runBatch(List<Lease> leases) {
        List<Future<?>> tasks = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            Future<?> task = executor.submit(() -> processor.process(lease));
            running.add(task);
            tasks.add(task);
        }
        long beatNanos = config.leaseDuration().toNanos() / 3;
        try {
            for (int i = 0; i < tasks.size(); i++) {
                Future<?> task = tasks.get(i);
                while (true) {
                    try {
                        task.get(beatNanos, TimeUnit.NANOSECONDS);
                        break;
                    } catch (TimeoutException stillRunning) {
                        extendUnfinished(leases, tasks);
                    } catch (ExecutionException e) {
                        LOG.error("Event {} failed in its processor", leases.get(i).event().id(), e.getCause());
                        break;
                    }
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            tasks.forEach(running::remove);
        }
    }

    private void extendUnfinished(List<Lease> leases, List<Future<?>> tasks) {
        for (int i = 0; i < tasks.size(); i++) {
            if (!tasks.get(i).isDone()) {
                try {
                    if (!queue.extendLease(leases.get(i).token(), config.leaseDuration())) {
                        LOG.warn("The lease of running event {} was lost; another poller may run it too",
                                leases.get(i).event().id());
                    }
                } catch (EventQueueException e) {
                    LOG.error("Extending the lease of event {} failed", leases.get(i).event().id(), e);
                }
            }
        }
    }

    private long wakeups() {
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until woken after {@code seen} or {@code timeout} passed; false when interrupted. */
    private boolean awaitWork(long seen, Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (wakeups == seen && !closed && nanos > 0) {
                nanos = work.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Future<?> poller : pollers) {
            try {
                poller.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Async pollers still running {} after close; interrupting them", CLOSE_WAIT);
                break;
            } catch (ExecutionException e) {
                LOG.error("An async poller failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running.forEach(task -> task.cancel(true));
        pollers.forEach(poller -> poller.cancel(true));
    }
}
