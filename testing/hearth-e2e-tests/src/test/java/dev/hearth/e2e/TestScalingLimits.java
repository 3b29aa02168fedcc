package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;

/**
 * The scaling flags of the real {@code hearth server}: beyond {@code --scaling-rate} new sandboxes per
 * function, invocations get Lambda's 429 with Reason {@code FunctionInvocationRateLimitExceeded},
 * while warm sandboxes keep serving.
 */
final class TestScalingLimits {
    private static final String SLOW = "import time\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return 'ok'\n";

    @Test
    void aFunctionCannotAddSandboxesFasterThanTheScalingRate() throws Exception {
        Path dataDir = Files.createTempDirectory("hearth-scaling");
        try (HearthProcess server = HearthProcess.start(dataDir, "--sandbox", "process", "--scaling-rate", "2",
                "--keep-alive", "adaptive");
                LambdaClient lambda = client(server.awaitEndpoint());
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(server.lines()).anyMatch(l -> l.contains("Keep-alive policy: adaptive; scaling rate 2 new sandboxes"));
            lambda.createFunction(pythonFunction("bursty", pythonZip(SLOW)).timeout(60).build());

            // the two sandboxes stay busy for 6 s, and the bucket earns its next token after 5 s: the
            // burst's six requests need only arrive within 5 s of each other, even on a loaded machine
            List<CompletableFuture<Object>> burst = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return invoke(lambda, 6);
                    } catch (TooManyRequestsException e) {
                        return e;
                    }
                }, threads));
            }
            List<Object> outcomes = burst.stream().map(CompletableFuture::join).toList();

            List<TooManyRequestsException> throttled = outcomes.stream().filter(TooManyRequestsException.class::isInstance)
                    .map(TooManyRequestsException.class::cast).toList();
            assertThat(outcomes.size() - throttled.size()).as("only two sandboxes may start within 10 s").isEqualTo(2);
            assertThat(throttled).hasSize(4).allSatisfy(e -> {
                assertThat(e.statusCode()).isEqualTo(429);
                assertThat(e.reason()).isEqualTo(ThrottleReason.FUNCTION_INVOCATION_RATE_LIMIT_EXCEEDED);
            });
            assertThat(invoke(lambda, 0).functionError()).as("the warm sandboxes still serve").isNull();
            server.terminate();
        }
    }

    private static InvokeResponse invoke(LambdaClient lambda, int sleepSeconds) {
        return lambda.invoke(r -> r.functionName("bursty").payload(SdkBytes.fromUtf8String("{\"sleep\":" + sleepSeconds + "}")));
    }

    private static LambdaClient client(String endpoint) {
        return LambdaClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }
}
