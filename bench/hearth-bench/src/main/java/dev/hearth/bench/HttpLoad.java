package dev.hearth.bench;

import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The load driver: {@link KeepAliveConnection}s, one per client thread, the same for every target.
 * Every phase runs a warm-up whose results are discarded, then a measured phase of fixed duration.
 * A request counts only when it answers 200 without {@code X-Amz-Function-Error}; any other answer
 * ends the phase with an {@link IllegalStateException}, because a benchmark of failures is
 * meaningless.
 *
 * <p>Threading: one phase or call at a time; concurrent phases use their own client threads and
 * connections. Closing closes the connection used by {@link #call}.
 */
final class HttpLoad implements AutoCloseable {
    private KeepAliveConnection single;
    private String singleAuthority = "";

    /** Sends one request on this driver's own connection and checks its answer; returns it. */
    KeepAliveConnection.Response call(HttpTarget target, byte[] payload) throws IOException {
        if (single == null || !singleAuthority.equals(target.uri().getAuthority())) {
            if (single != null) {
                single.close();
            }
            single = new KeepAliveConnection(target.uri());
            singleAuthority = target.uri().getAuthority();
        }
        return checked(target, single.exchange(target.request(payload)));
    }

    /** One client sending requests back to back: the latency of each. */
    LatencySamples sequential(HttpTarget target, byte[] payload, Duration warmUp, Duration measure) throws IOException {
        byte[] request = target.request(payload);
        try (KeepAliveConnection connection = new KeepAliveConnection(target.uri())) {
            runFor(target, connection, request, warmUp);
            long[] samples = new long[4096];
            int n = 0;
            long deadline = System.nanoTime() + measure.toNanos();
            long start;
            while ((start = System.nanoTime()) < deadline) {
                checked(target, connection.exchange(request));
                long took = System.nanoTime() - start;
                if (n == samples.length) {
                    samples = Arrays.copyOf(samples, n * 2);
                }
                samples[n++] = took;
            }
            return LatencySamples.of(Arrays.copyOf(samples, n));
        }
    }

    /** Called when a concurrent phase's measured part starts and when its last client finished. */
    interface PhaseObserver {
        PhaseObserver NONE = new PhaseObserver() {};

        default void measuredPartStarts() throws IOException {}

        default void measuredPartEnded() throws IOException {}
    }

    /** {@code connections} clients sending requests back to back: how many complete per second. */
    Throughput concurrent(HttpTarget target, byte[] payload, int connections, Duration warmUp, Duration measure)
            throws InterruptedException, IOException {
        return concurrent(target, payload, connections, warmUp, measure, PhaseObserver.NONE);
    }

    Throughput concurrent(HttpTarget target, byte[] payload, int connections, Duration warmUp, Duration measure,
            PhaseObserver observer) throws InterruptedException, IOException {
        byte[] request = target.request(payload);
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        long[] started = new long[1];
        try (ExecutorService clients = Executors.newFixedThreadPool(connections, HearthThreads.daemon("bench-load"))) {
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                counts.add(clients.submit(() -> {
                    try (KeepAliveConnection connection = new KeepAliveConnection(target.uri())) {
                        runFor(target, connection, request, warmUp);
                        ready.countDown();
                        go.await();
                        return runFor(target, connection, request, measure);
                    }
                }));
            }
            ready.await();
            observer.measuredPartStarts();
            started[0] = System.nanoTime();
            go.countDown();
            long total = 0;
            for (Future<Long> count : counts) {
                try {
                    total += count.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a client of " + target.uri() + " failed during the phase", e.getCause());
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started[0]);
            observer.measuredPartEnded();
            return new Throughput(total, elapsed, connections);
        }
    }

    private static long runFor(HttpTarget target, KeepAliveConnection connection, byte[] request, Duration duration)
            throws IOException {
        long count = 0;
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            checked(target, connection.exchange(request));
            count++;
        }
        return count;
    }

    private static KeepAliveConnection.Response checked(HttpTarget target, KeepAliveConnection.Response response) {
        if (response.status() != 200 || response.header("X-Amz-Function-Error").isPresent()) {
            throw new IllegalStateException(target.name() + " (" + target.uri() + ") answered " + response.status() + " "
                    + response.header("X-Amz-Function-Error").orElse("") + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response;
    }

    @Override
    public void close() throws IOException {
        if (single != null) {
            single.close();
        }
    }
}
