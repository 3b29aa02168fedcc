package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Environment;

/**
 * The crash test: the real server process takes Event invocations from several threads, is
 * killed with SIGKILL mid-stream, restarts on the same data directory, and every event it answered
 * 202 for is then run (counted from the function's own output), none lost.
 */
final class TestAsyncCrash {
    private static final int KILL_AFTER_ACCEPTED = 2_000;
    private static final int SENDERS = 8;

    @Test
    void everyAcceptedEventRunsDespiteAKillMidStream() throws Exception {
        Path data = Files.createTempDirectory("hearth-async-crash");
        Path out = AsyncFunctions.outputDirectory();
        AsyncLoadDriver driver;
        try (HearthProcess first = HearthProcess.start(data, "--sandbox", "process")) {
            String endpoint = first.awaitEndpoint();
            try (LambdaClient lambda = client(endpoint)) {
                lambda.createFunction(pythonFunction("recorder", pythonZip(AsyncFunctions.RECORDER)).timeout(60)
                        .environment(Environment.builder().variables(Map.of("OUT_DIR", out.toString())).build()).build());
            }
            driver = new AsyncLoadDriver(endpoint, "recorder");
            AsyncLoadDriver sending = driver;
            Thread load = Thread.ofPlatform().start(() -> {
                try {
                    sending.run(SENDERS, () -> false);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(180)).until(() -> sending.accepted.size() >= KILL_AFTER_ACCEPTED);

            first.kill();
            load.join(Duration.ofSeconds(30));
            assertThat(load.isAlive()).as("senders stop once the server is gone").isFalse();
        }
        Set<String> accepted = Set.copyOf(driver.accepted.keySet());
        int processedBeforeKill = distinct(AsyncFunctions.recorded(out)).size();

        try (HearthProcess second = HearthProcess.start(data, "--sandbox", "process")) {
            second.awaitEndpoint();
            // generous: a loaded machine may run the backlog of thousands of events at tens per second
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(200))
                    .until(() -> distinct(AsyncFunctions.recorded(out)).containsAll(accepted));
            second.terminate();
        }

        List<String[]> runs = AsyncFunctions.recorded(out);
        Set<String> ran = distinct(runs);
        long duplicates = runs.size() - ran.size();
        System.out.printf("async crash test: %d events accepted (202) before SIGKILL, %d had run before the kill;"
                        + " after restart all %d ran; %d runs in all, %d duplicate runs (%.2f%%), %d ids ran that were"
                        + " never acknowledged%n",
                accepted.size(), processedBeforeKill, accepted.size(), runs.size(), duplicates,
                100.0 * duplicates / accepted.size(), ran.stream().filter(id -> !accepted.contains(id)).count());
        assertThat(ran).containsAll(accepted);
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(KILL_AFTER_ACCEPTED);
    }

    private static Set<String> distinct(List<String[]> runs) {
        Set<String> ids = new HashSet<>();
        runs.forEach(r -> ids.add(r[0]));
        return ids;
    }

    private static LambdaClient client(String endpoint) {
        return LambdaClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
