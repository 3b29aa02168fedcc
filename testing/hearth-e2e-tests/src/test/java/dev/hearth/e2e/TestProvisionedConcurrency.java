package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigListItem;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigNotFoundException;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/**
 * Provisioned concurrency through the AWS SDK and the whole server: configurations reach READY, their
 * invocations run in sandboxes initialised ahead (no Init Duration, {@code provisioned-concurrency}),
 * a provisioned sandbox that dies is replaced, and Lambda's rules and shapes hold.
 */
final class TestProvisionedConcurrency {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = """
            import os
            def handler(event, context):
                if event.get("crash"):
                    os._exit(3)
                return {"type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"], "pid": os.getpid()}
            """;

    @Test
    void provisionedSandboxesServeWithoutInitAndAreReplacedWhenTheyDie() throws Exception {
        try (HearthTestServer server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("process")));
                LambdaClient lambda = server.client()) {
            lambda.createFunction(pythonFunction("warmed", pythonZip(FUNCTION)).build());
            String version = lambda.publishVersion(r -> r.functionName("warmed")).version();
            lambda.createAlias(r -> r.functionName("warmed").name("live").functionVersion(version));

            PutProvisionedConcurrencyConfigResponse put = lambda.putProvisionedConcurrencyConfig(
                    r -> r.functionName("warmed").qualifier(version).provisionedConcurrentExecutions(2));
            assertThat(put.requestedProvisionedConcurrentExecutions()).isEqualTo(2);
            assertThat(put.status()).isIn(ProvisionedConcurrencyStatusEnum.IN_PROGRESS, ProvisionedConcurrencyStatusEnum.READY);
            assertThat(put.lastModified()).isNotBlank();

            awaitReady(lambda, version);
            GetProvisionedConcurrencyConfigResponse ready = lambda.getProvisionedConcurrencyConfig(
                    r -> r.functionName("warmed").qualifier(version));
            assertThat(ready.availableProvisionedConcurrentExecutions()).isEqualTo(2);
            assertThat(ready.allocatedProvisionedConcurrentExecutions()).isEqualTo(2);

            for (String qualifier : new String[] {version, "live"}) {
                InvokeResponse response = invoke(lambda, qualifier, "{}");
                assertThat(tail(response)).contains("REPORT RequestId").doesNotContain("Init Duration");
                assertThat(json(response).path("type").asText()).isEqualTo("provisioned-concurrency");
            }
            InvokeResponse latest = invoke(lambda, "$LATEST", "{}");
            assertThat(json(latest).path("type").asText()).isEqualTo("on-demand");
            assertThat(tail(latest)).contains("Init Duration");

            InvokeResponse crashed = invoke(lambda, version, "{\"crash\":true}");
            assertThat(crashed.functionError()).isEqualTo("Unhandled");
            awaitReady(lambda, version);
            InvokeResponse afterCrash = invoke(lambda, version, "{}");
            assertThat(tail(afterCrash)).doesNotContain("Init Duration");
            assertThat(json(afterCrash).path("type").asText()).isEqualTo("provisioned-concurrency");

            lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName("warmed").qualifier(version));
            assertThatThrownBy(() -> lambda.getProvisionedConcurrencyConfig(r -> r.functionName("warmed").qualifier(version)))
                    .isInstanceOf(ProvisionedConcurrencyConfigNotFoundException.class);
            assertThat(lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName("warmed").qualifier(version))
                    .sdkHttpResponse().statusCode()).as("deleting again succeeds, as on Lambda").isEqualTo(204);
        }
    }

    @Test
    void lambdasRulesAndListShapes() throws Exception {
        try (HearthTestServer server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("process")));
                LambdaClient lambda = server.client()) {
            lambda.createFunction(pythonFunction("rules", pythonZip(FUNCTION)).build());
            String v1 = lambda.publishVersion(r -> r.functionName("rules")).version();
            lambda.createAlias(r -> r.functionName("rules").name("live").functionVersion(v1));

            assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(
                    r -> r.functionName("rules").qualifier("$LATEST").provisionedConcurrentExecutions(1)))
                    .isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("cannot be applied to unpublished function versions");
            assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(
                    r -> r.functionName("rules").qualifier(v1).provisionedConcurrentExecutions(0)))
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.lambda.model.LambdaException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));

            lambda.putFunctionConcurrency(r -> r.functionName("rules").reservedConcurrentExecutions(1));
            assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(
                    r -> r.functionName("rules").qualifier(v1).provisionedConcurrentExecutions(2)))
                    .isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("should not be greater than the reservedConcurrentExecution");
            lambda.deleteFunctionConcurrency(r -> r.functionName("rules"));

            lambda.putProvisionedConcurrencyConfig(r -> r.functionName("rules").qualifier(v1).provisionedConcurrentExecutions(1));
            assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(
                    r -> r.functionName("rules").qualifier("live").provisionedConcurrentExecutions(1)))
                    .isInstanceOf(ResourceConflictException.class);

            assertThat(lambda.listProvisionedConcurrencyConfigs(r -> r.functionName("rules")).provisionedConcurrencyConfigs())
                    .singleElement().satisfies(item -> {
                        assertThat(item.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:rules:" + v1);
                        assertThat(item.requestedProvisionedConcurrentExecutions()).isEqualTo(1);
                    });
            assertThat(lambda.listProvisionedConcurrencyConfigs(r -> r.functionName("rules")).provisionedConcurrencyConfigs())
                    .extracting(ProvisionedConcurrencyConfigListItem::statusAsString).isNotEmpty();

            lambda.deleteFunction(r -> r.functionName("rules"));
            lambda.createFunction(pythonFunction("rules", pythonZip(FUNCTION)).build());
            assertThat(lambda.listProvisionedConcurrencyConfigs(r -> r.functionName("rules")).provisionedConcurrencyConfigs())
                    .as("configurations went with the deleted function").isEmpty();
        }
    }

    private static void awaitReady(LambdaClient lambda, String version) {
        await().atMost(Duration.ofSeconds(90)).until(() -> lambda.getProvisionedConcurrencyConfig(
                r -> r.functionName("warmed").qualifier(version)).status() == ProvisionedConcurrencyStatusEnum.READY);
    }

    private static InvokeResponse invoke(LambdaClient lambda, String qualifier, String payload) {
        return lambda.invoke(r -> r.functionName("warmed").qualifier(qualifier).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    private static JsonNode json(InvokeResponse response) throws Exception {
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static String tail(InvokeResponse response) {
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }
}
