package dev.hearth.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Sends {@code Event} invocations of one function from several client threads over loopback HTTP
 * and remembers, for every 202, the request id and when it was accepted (epoch microseconds).
 * Unsigned requests: the server under test runs without credentials.
 *
 * <p>{@code main} runs it against a running server: {@code ENDPOINT FUNCTION THREADS SECONDS}.
 */
final class AsyncLoadDriver {
    private final String endpoint;
    private final String function;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** request id → accepted at, epoch microseconds. */
    final Map<String, Long> accepted = new ConcurrentHashMap<>();
    final AtomicLong failures = new AtomicLong();
    final AtomicBoolean stop = new AtomicBoolean();

    AsyncLoadDriver(String endpoint, String function) {
        this.endpoint = endpoint;
        this.function = function;
    }

    /**
     * Sends from {@code threads} threads until {@code done} says so, {@link #stop} is set, or a send fails
     * (the server died); returns once every thread stopped.
     */
    void run(int threads, BooleanSupplier done) throws InterruptedException {
        run(threads, done, 0);
    }

    /**
     * As {@link #run(int, BooleanSupplier)}, all threads together sending at most one request per
     * {@code intervalNanos} (0: as fast as they can).
     */
    void run(int threads, BooleanSupplier done, long intervalNanos) throws InterruptedException {
        AtomicLong nextSlot = new AtomicLong(System.nanoTime());
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/2015-03-31/functions/" + function + "/invocations"))
                .header("X-Amz-Invocation-Type", "Event")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"load\":true}"))
                .build();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(Thread.ofPlatform().name("async-load-" + t).start(() -> {
                while (!stop.get() && !done.getAsBoolean()) {
                    if (intervalNanos > 0) {
                        long slot = nextSlot.getAndAdd(intervalNanos);
                        while (System.nanoTime() < slot) {
                            java.util.concurrent.locks.LockSupport.parkNanos(slot - System.nanoTime());
                        }
                    }
                    try {
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 202) {
                            accepted.put(response.headers().firstValue("x-amzn-RequestId").orElseThrow(), micros());
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
    }

    static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    public static void main(String[] args) throws Exception {
        AsyncLoadDriver driver = new AsyncLoadDriver(args[0], args[1]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
        long start = System.nanoTime();
        driver.run(Integer.parseInt(args[2]), () -> System.nanoTime() > deadline);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("accepted %d events in %.1f s: %.0f/s (%d failures)%n", driver.accepted.size(), seconds,
                driver.accepted.size() / seconds, driver.failures.get());
    }
}
