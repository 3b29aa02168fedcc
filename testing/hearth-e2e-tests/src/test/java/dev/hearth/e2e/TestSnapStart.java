package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.lambda.model.SnapStartNotReadyException;
import software.amazon.awssdk.services.lambda.model.SnapStartOptimizationStatus;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.StateReasonCode;

/**
 * SnapStart on the microVM backend through the whole server: a published version's sandboxes are
 * restored from one snapshot taken after Init (REPORT shows Restore Duration, the function sees
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}), and state made during Init is shared by every
 * clone — Lambda's documented uniqueness caveat. {@code $LATEST} keeps starting on demand.
 */
final class TestSnapStart {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = """
            import os, time, uuid
            INIT_ID = str(uuid.uuid4())
            def handler(event, context):
                time.sleep(event.get("sleep", 0))
                return {"initId": INIT_ID, "type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"], "pid": os.getpid()}
            """;

    @Test
    void publishedVersionsAreRestoredFromOneSnapshot() throws Exception {
        try (HearthTestServer server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("microvm")));
                LambdaClient lambda = server.client()) {
            lambda.createFunction(pythonFunction("snappy", pythonZip(FUNCTION)).memorySize(256).timeout(60)
                    .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS)).build());
            PublishVersionResponse publish = lambda.publishVersion(r -> r.functionName("snappy"));
            String version = publish.version();
            // as Lambda: Pending while the snapshot is taken, then Active (the SDK's own waiter)
            assertThat(publish.state()).isEqualTo(State.PENDING);
            assertThat(publish.stateReasonCode()).isEqualTo(StateReasonCode.CREATING);
            // while Pending, invokes are refused as on Lambda (taking the snapshot boots and
            // initialises a microVM: seconds under TCG, the accelerator this suite runs on here)
            assertThatThrownBy(() -> invoke(lambda, version, 0)).isInstanceOf(SnapStartNotReadyException.class)
                    .hasMessageContaining("snappy:" + version).hasMessageContaining("Active");
            lambda.waiter().waitUntilPublishedVersionActive(r -> r.functionName("snappy").qualifier(version),
                    w -> w.maxAttempts(600).backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(200))));
            GetFunctionConfigurationResponse published = lambda.getFunctionConfiguration(
                    r -> r.functionName("snappy").qualifier(version));
            assertThat(published.snapStart().optimizationStatus()).isEqualTo(SnapStartOptimizationStatus.ON);
            assertThat(published.state()).isEqualTo(State.ACTIVE);
            assertThat(published.stateReasonCode()).isNull();

            // two at once: two sandboxes, both restored from the same snapshot (each stays busy for
            // seconds, so that neither can finish and serve the other even when a loaded machine
            // starts them seconds apart)
            List<InvokeResponse> restored;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                CompletableFuture<InvokeResponse> a = CompletableFuture.supplyAsync(() -> invoke(lambda, version, 6), threads);
                CompletableFuture<InvokeResponse> b = CompletableFuture.supplyAsync(() -> invoke(lambda, version, 6), threads);
                restored = List.of(a.join(), b.join());
            }

            for (InvokeResponse response : restored) {
                assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
                assertThat(tail(response)).contains("Restore Duration: ").doesNotContain("Init Duration");
                assertThat(json(response).path("type").asText()).isEqualTo("snap-start");
            }
            assertThat(json(restored.get(0)).path("initId").asText())
                    .as("Init ran once, before the snapshot: every clone has its state")
                    .isEqualTo(json(restored.get(1)).path("initId").asText());

            InvokeResponse warm = invoke(lambda, version, 0);
            assertThat(tail(warm)).doesNotContain("Restore Duration").doesNotContain("Init Duration");

            assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(
                    r -> r.functionName("snappy").qualifier(version).provisionedConcurrentExecutions(1)))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("SnapStart");
            assertThatThrownBy(() -> lambda.createFunction(pythonFunction("snappy-node", pythonZip(FUNCTION))
                    .runtime("nodejs22.x").handler("index.handler")
                    .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS)).build()))
                    .isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("nodejs22.x is not supported for SnapStart enabled functions.");

            InvokeResponse latest = lambda.invoke(r -> r.functionName("snappy").logType(LogType.TAIL)
                    .payload(SdkBytes.fromUtf8String("{}")));
            assertThat(json(latest).path("type").asText()).isEqualTo("on-demand");
            assertThat(tail(latest)).contains("Init Duration: ");
        }
    }

    private static InvokeResponse invoke(LambdaClient lambda, String version, int sleepSeconds) {
        return lambda.invoke(r -> r.functionName("snappy").qualifier(version).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{\"sleep\":" + sleepSeconds + "}")));
    }

    private static JsonNode json(InvokeResponse response) throws Exception {
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static String tail(InvokeResponse response) {
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }
}
