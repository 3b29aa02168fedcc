package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Issue 23: a burst of 200 synchronous invocations released together on a new function (128 MB
 * python, handler sleeping 2 s) on the default backend all succeed — the host admits sandbox starts
 * at the rate its CPUs carry and queues the rest, and running invocations reserve what the function
 * uses rather than all of its MemorySize — and a second burst onto the idle sandboxes succeeds too.
 * No timing is asserted (the burst benchmark measures it).
 */
@Timeout(900)
final class TestBursts {
    private static final int BURST = 200;

    @Test
    void twoHundredColdInvocationsReleasedTogetherAllSucceedAndSoDoTwoHundredWarmOnes() throws Exception {
        try (HearthTestServer hearth = HearthTestServer.start();
                LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create(hearth.endpoint()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("burst", "burst")))
                        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(BURST + 10)
                                .socketTimeout(Duration.ofMinutes(5)))
                        .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)).apiCallTimeout(Duration.ofMinutes(10)))
                        .build()) {
            lambda.createFunction(HearthTestServer.pythonFunction("burst", HearthTestServer.pythonZip("""
                    import time
                    def handler(event, context):
                        time.sleep(2)
                        return event['n']
                    """)).memorySize(128).timeout(60).build());
            lambda.waiter().waitUntilFunctionActiveV2(b -> b.functionName("burst"));

            for (String round : List.of("cold", "warm")) {
                List<String> outcomes = burst(lambda);
                assertThat(outcomes).as(round + " burst").hasSize(BURST).allMatch(outcome -> outcome.startsWith("ok "));
            }
        }
    }

    private static List<String> burst(LambdaClient lambda) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < BURST; i++) {
                int n = i;
                calls.add(threads.submit(() -> {
                    release.await();
                    InvokeResponse response = lambda.invoke(b -> b.functionName("burst")
                            .payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String("{\"n\":" + n + "}")));
                    String payload = response.payload().asUtf8String();
                    return response.functionError() == null && payload.equals(Integer.toString(n))
                            ? "ok " + n : "failed " + n + ": " + response.functionError() + " " + payload;
                }));
            }
            release.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> call : calls) {
                try {
                    outcomes.add(call.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add("error " + e.getCause());
                }
            }
            return outcomes;
        }
    }
}
