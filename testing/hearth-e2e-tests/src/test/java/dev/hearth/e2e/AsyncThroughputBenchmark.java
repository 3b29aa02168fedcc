package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Environment;

/**
 * Benchmark, not part of the test run (its name does not match Test*): Event invocations through
 * the HTTP API of the real server process, durable (SQLite WAL, synchronous=FULL, committed before
 * each 202), for a python function that appends its request id and the time to a file. Three
 * phases, each checked for lost events:
 *
 * <ol>
 *   <li>acceptance alone: the function's reserved concurrency is 0, so pollers only back off;
 *   <li>acceptance while the pollers run every event (saturated): accepted/s, run/s, lag;
 *   <li>a paced rate the pollers keep up with: lag from the 202 to the handler.
 * </ol>
 *
 * <p>Run: {@code ./mvnw -B -q -o -pl testing/hearth-e2e-tests test -Dtest=AsyncThroughputBenchmark
 * -Dasync.bench.seconds=8 -Dasync.bench.threads=64 -Dasync.bench.pacedRate=300}
 */
final class AsyncThroughputBenchmark {
    private static final String FUNCTION = "recorder";

    @Test
    void acceptedEventsPerSecondAndLag() throws Exception {
        int seconds = Integer.getInteger("async.bench.seconds", 8);
        int threads = Integer.getInteger("async.bench.threads", 64);
        int pacedRate = Integer.getInteger("async.bench.pacedRate", 300);
        Path data = Files.createTempDirectory("hearth-async-bench");
        Path out = AsyncFunctions.outputDirectory();
        try (HearthProcess server = HearthProcess.start(data, "--sandbox", "process");
                LambdaClient lambda = client(server.awaitEndpoint())) {
            String endpoint = server.awaitEndpoint();
            lambda.createFunction(pythonFunction(FUNCTION, pythonZip(AsyncFunctions.RECORDER))
                    .environment(Environment.builder().variables(Map.of("OUT_DIR", out.toString())).build()).build());
            AsyncLoadDriver warmup = new AsyncLoadDriver(endpoint, FUNCTION);
            warmup.run(threads, () -> warmup.accepted.size() >= 2_000);
            awaitAllRan(out, warmup);

            lambda.putFunctionConcurrency(r -> r.functionName(FUNCTION).reservedConcurrentExecutions(0));
            AsyncLoadDriver acceptOnly = timed(endpoint, threads, seconds, 0);
            report("accept only (reserved concurrency 0)", threads, acceptOnly, seconds, null);
            lambda.deleteFunctionConcurrency(r -> r.functionName(FUNCTION));
            awaitAllRan(out, acceptOnly);

            AsyncLoadDriver saturated = timed(endpoint, threads, seconds, 0);
            awaitAllRan(out, saturated);
            report("saturated, pollers running every event", threads, saturated, seconds, handled(out));

            AsyncLoadDriver paced = timed(endpoint, 8, seconds, 1_000_000_000L / pacedRate);
            awaitAllRan(out, paced);
            report("paced at " + pacedRate + "/s", 8, paced, seconds, handled(out));
        }
    }

    private static AsyncLoadDriver timed(String endpoint, int threads, int seconds, long intervalNanos) throws InterruptedException {
        AsyncLoadDriver driver = new AsyncLoadDriver(endpoint, FUNCTION);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        driver.run(threads, () -> System.nanoTime() > deadline, intervalNanos);
        return driver;
    }

    private static void awaitAllRan(Path out, AsyncLoadDriver driver) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> handled(out).keySet().containsAll(driver.accepted.keySet()));
        assertThat(driver.failures.get()).isZero();
    }

    private static void report(String phase, int threads, AsyncLoadDriver driver, int seconds, Map<String, Long> handled) {
        int n = driver.accepted.size();
        String line = String.format("async benchmark [%s]: %d client threads, %d accepted in %d s = %.0f accepted/s",
                phase, threads, n, seconds, n / (double) seconds);
        if (handled != null) {
            long[] lags = driver.accepted.entrySet().stream()
                    .mapToLong(e -> handled.get(e.getKey()) - e.getValue()).sorted().toArray();
            long first = driver.accepted.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = driver.accepted.keySet().stream().mapToLong(handled::get).max().orElseThrow();
            line += String.format("; all ran %.1f s after the first 202 (%.0f run/s); lag 202 -> handler p50 %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms", (last - first) / 1e6, n / ((last - first) / 1e6),
                    percentile(lags, 0.50) / 1e3, percentile(lags, 0.99) / 1e3, lags[lags.length - 1] / 1e3);
        }
        System.out.println(line);
    }

    /** request id → first handled at, epoch microseconds. */
    private static Map<String, Long> handled(Path out) {
        Map<String, Long> first = new HashMap<>();
        for (String[] line : AsyncFunctions.recorded(out)) {
            first.merge(line[0], (long) (Double.parseDouble(line[1]) * 1e6), Math::min);
        }
        return first;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static LambdaClient client(String endpoint) {
        return LambdaClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
