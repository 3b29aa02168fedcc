package dev.hearth.async;

import dev.hearth.controlplane.FunctionChangeListener;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.AccountContext;
import dev.hearth.http.Route;
import dev.hearth.invocation.EventInvoker;
import dev.hearth.queue.spi.EventQueue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The asynchronous invocation component of a server, wired: the pollers that run the events the
 * {@link dev.hearth.invocation.InvocationService} accepted (through the same service, as an {@link
 * EventInvoker}), the event invoke config and dead-letter routes, and a {@link #status()} for
 * metrics. Register {@link #wake()} with the invocation service so that pollers wake on every
 * accepted event.
 *
 * <p>Ownership: the queue, the config store and the executor stay the caller's; {@link #close()}
 * stops the pollers only, so close this before them. Register {@link #functionChangeListener()} with
 * the control plane so a deleted function's configs go with it.
 *
 * <p>Threading: thread-safe once started.
 */
public final class AsyncInvocationService implements AutoCloseable {
    private final EventQueue queue;
    private final EventInvokeConfigStore configs;
    private final PollerPool pollers;
    private final AsyncCounters counters;
    private final List<Route> routes;

    private AsyncInvocationService(EventQueue queue, EventInvokeConfigStore configs, PollerPool pollers,
            AsyncCounters counters, List<Route> routes) {
        this.queue = queue;
        this.configs = configs;
        this.pollers = pollers;
        this.counters = counters;
        this.routes = routes;
    }

    /**
     * Starts the pollers.
     *
     * @param executor starts a thread per task (virtual threads): runs the pollers and the events
     */
    public static AsyncInvocationService start(EventQueue queue, EventInvokeConfigStore configs, FunctionResolver resolver,
            EventInvoker invoker, AccountContext account, AsyncConfig config, Clock clock, ExecutorService executor) {
        AsyncCounters counters = new AsyncCounters();
        PollerPool[] pool = new PollerPool[1];
        Runnable wake = () -> pool[0].wake();
        Destinations destinations = new Destinations(queue, resolver, account, wake);
        EventProcessor processor = new EventProcessor(queue, configs, resolver, invoker, account, new RetryPolicy(config),
                destinations, counters, clock);
        pool[0] = new PollerPool(queue, processor, config, executor);
        List<Route> routes = new ArrayList<>(new EventInvokeConfigApi(configs, resolver, account, clock).routes());
        routes.addAll(new DeadLetterApi(queue, wake).routes());
        AsyncInvocationService service = new AsyncInvocationService(queue, configs, pool[0], counters, List.copyOf(routes));
        pool[0].start();
        return service;
    }

    /** Wakes the pollers: an event was accepted and is ready now. */
    public void wake() {
        pollers.wake();
    }

    /** The event invoke config operations and the {@code /hearth/dlq} routes. */
    public List<Route> routes() {
        return routes;
    }

    /** Deletes a deleted function's event invoke configs. */
    public FunctionChangeListener functionChangeListener() {
        return configs;
    }

    /** Queue depth, in-flight events, retries and dead letters, now. */
    public AsyncStatus status() {
        return counters.status(queue.counts());
    }

    /** Stops the pollers; events they were running are delivered again after their leases expire. */
    @Override
    public void close() {
        pollers.close();
    }
}
