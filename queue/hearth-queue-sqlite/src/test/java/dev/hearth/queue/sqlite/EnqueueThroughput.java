package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.NewEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * A throughput measurement, not a test: how many events per second {@link SqliteEventQueue} accepts
 * durably with N concurrent callers, each call returning only after its commit.
 *
 * <pre>{@code
 * ./mvnw -B -q -o -pl queue/hearth-queue-sqlite exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hearth.queue.sqlite.EnqueueThroughput \
 *     -Dexec.args="--threads 1,4,16,64 --seconds 5 --payload 1024 --synchronous FULL --virtual false"
 * }</pre>
 *
 * <p>{@code --virtual true} runs the callers on virtual threads, as the HTTP frontend does.
 *
 * <p>The database is created in a fresh temporary directory (or {@code --dir}) on the same disk as
 * {@code java.io.tmpdir} and deleted afterwards. Each thread count runs after a one-second warm-up.
 */
public final class EnqueueThroughput {
    private EnqueueThroughput() {}

    public static void main(String[] args) throws Exception {
        List<Integer> threadCounts = List.of(1, 4, 16, 64);
        int seconds = 5;
        int payloadBytes = 1024;
        SqliteSynchronous synchronous = SqliteSynchronous.FULL;
        Path directory = null;
        boolean virtual = false;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--threads" -> threadCounts = Stream.of(value.split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--payload" -> payloadBytes = Integer.parseInt(value);
                case "--synchronous" -> synchronous = SqliteSynchronous.valueOf(value);
                case "--dir" -> directory = Path.of(value);
                case "--virtual" -> virtual = Boolean.parseBoolean(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = directory != null ? Files.createDirectories(directory) : Files.createTempDirectory("hearth-queue-bench");
        System.out.printf("synchronous=%s payload=%d bytes, %s threads, %d s per run, %d processors, database in %s%n",
                synchronous, payloadBytes, virtual ? "virtual" : "platform", seconds,
                Runtime.getRuntime().availableProcessors(), root);
        try {
            for (int threads : threadCounts) {
                Path file = root.resolve("bench-" + threads + ".db");
                SqliteQueueConfig config = SqliteQueueConfig.of(file).withSynchronous(synchronous);
                try (SqliteEventQueue queue = SqliteEventQueue.open(config, Clock.systemUTC())) {
                    run(queue, threads, virtual, Duration.ofSeconds(1), payloadBytes);
                    long accepted = run(queue, threads, virtual, Duration.ofSeconds(seconds), payloadBytes);
                    System.out.printf("threads=%3d  accepted=%8d  events/s=%9.0f%n", threads, accepted,
                            accepted / (double) seconds);
                }
            }
        } finally {
            if (directory == null) {
                deleteTree(root);
            }
        }
    }

    private static long run(SqliteEventQueue queue, int threads, boolean virtual, Duration duration,
            int payloadBytes) throws InterruptedException {
        byte[] payload = new byte[payloadBytes];
        LongAdder accepted = new LongAdder();
        long deadline = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
            workers.add(builder.name("enqueuer-" + t).start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        queue.enqueue(new NewEvent(UUID.randomUUID().toString(), "bench", "$LATEST", payload));
                        accepted.increment();
                    }
                } finally {
                    done.countDown();
                }
            }));
        }
        done.await();
        for (Thread worker : workers) {
            worker.join();
        }
        return accepted.sum();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
