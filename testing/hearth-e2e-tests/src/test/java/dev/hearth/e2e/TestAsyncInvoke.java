package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.async.AsyncConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.FunctionEventInvokeConfig;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** Event invocations through the AWS SDK against a whole Hearth with millisecond retry delays. */
final class TestAsyncInvoke {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AsyncConfig FAST = AsyncConfig.defaults()
            .withRetryDelays(List.of(Duration.ofMillis(50), Duration.ofMillis(50)), Duration.ofMillis(20), Duration.ofMillis(200));

    private static HearthTestServer server;
    private static LambdaClient lambda;
    private static Path out;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        out = AsyncFunctions.outputDirectory();
        server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("process")).withAsync(FAST));
        lambda = server.client();
        create("recorder", AsyncFunctions.RECORDER);
        create("fails-twice", AsyncFunctions.FAILS_TWICE);
        create("sink", AsyncFunctions.RECORD_SINK);
    }

    @AfterAll
    static void stop() throws Exception {
        lambda.close();
        server.close();
    }

    @Test
    void eventInvocationIsAcceptedWith202AndRunsWithItsRequestId() {
        InvokeResponse response = lambda.invoke(r -> r.functionName("recorder").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"hello\":\"async\"}")));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.payload().asByteArray()).isEmpty();
        String requestId = response.responseMetadata().requestId();
        assertThat(requestId).isNotBlank();
        await().atMost(WAIT).until(() -> AsyncFunctions.recorded(out).stream().anyMatch(l -> l[0].equals(requestId)));
    }

    @Test
    void aFunctionFailingTwiceRunsThreeTimesAndItsOnSuccessDestinationGetsTheRecord() throws Exception {
        lambda.putFunctionEventInvokeConfig(r -> r.functionName("fails-twice")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(arn("sink")))));

        String requestId = lambda.invoke(r -> r.functionName("fails-twice").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"n\":7}"))).responseMetadata().requestId();

        Path record = out.resolve("record-" + requestId + ".json");
        await().atMost(WAIT).until(() -> Files.isRegularFile(record) && Files.size(record) > 0);
        assertThat(Files.size(out.resolve("attempts-" + requestId))).isEqualTo(3);
        JsonNode json = JSON.readTree(record.toFile());
        assertThat(json.path("version").asText()).isEqualTo("1.0");
        assertThat(json.path("requestContext").path("condition").asText()).isEqualTo("Success");
        assertThat(json.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(json.path("requestContext").path("functionArn").asText()).isEqualTo(arn("fails-twice") + ":$LATEST");
        assertThat(json.path("requestPayload").path("n").asInt()).isEqualTo(7);
        assertThat(json.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
        assertThat(json.path("responsePayload").path("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void exhaustedRetriesGoToTheOnFailureDestination() throws Exception {
        create("always-fails", AsyncFunctions.RECORDER);
        lambda.putFunctionEventInvokeConfig(r -> r.functionName("always-fails").maximumRetryAttempts(1)
                .destinationConfig(d -> d.onFailure(s -> s.destination(arn("sink")))));

        String requestId = lambda.invoke(r -> r.functionName("always-fails").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"fail\":true}"))).responseMetadata().requestId();

        Path record = out.resolve("record-" + requestId + ".json");
        await().atMost(WAIT).until(() -> Files.isRegularFile(record) && Files.size(record) > 0);
        JsonNode json = JSON.readTree(record.toFile());
        assertThat(json.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(json.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(json.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(json.path("responsePayload").path("errorType").asText()).isEqualTo("ValueError");
        assertThat(json.path("requestPayload").path("fail").asBoolean()).isTrue();
        assertThat(AsyncFunctions.recorded(out).stream().filter(l -> l[0].equals(requestId))).hasSize(2);
    }

    @Test
    void eventsThrottledByReservedConcurrencyZeroRunOnceItIsLifted() {
        create("reserved", AsyncFunctions.RECORDER);
        lambda.putFunctionConcurrency(r -> r.functionName("reserved").reservedConcurrentExecutions(0));
        InvokeResponse response = lambda.invoke(r -> r.functionName("reserved").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{}")));
        assertThat(response.statusCode()).as("accepted although the function cannot run now").isEqualTo(202);
        String requestId = response.responseMetadata().requestId();

        lambda.deleteFunctionConcurrency(r -> r.functionName("reserved"));

        await().atMost(WAIT).until(() -> AsyncFunctions.recorded(out).stream().anyMatch(l -> l[0].equals(requestId)));
        assertThat(AsyncFunctions.recorded(out).stream().filter(l -> l[0].equals(requestId))).hasSize(1);
    }

    @Test
    void eventInvokeConfigsThroughTheSdk() {
        create("configured", AsyncFunctions.RECORDER);
        PutFunctionEventInvokeConfigResponse put = lambda.putFunctionEventInvokeConfig(r -> r.functionName("configured")
                .maximumRetryAttempts(0).maximumEventAgeInSeconds(600)
                .destinationConfig(d -> d.onFailure(s -> s.destination(arn("sink")))));
        assertThat(put.functionArn()).isEqualTo(arn("configured") + ":$LATEST");
        assertThat(put.lastModified()).isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(1));

        lambda.updateFunctionEventInvokeConfig(r -> r.functionName("configured").maximumEventAgeInSeconds(120));
        GetFunctionEventInvokeConfigResponse got = lambda.getFunctionEventInvokeConfig(r -> r.functionName("configured"));
        assertThat(got.maximumRetryAttempts()).isZero();
        assertThat(got.maximumEventAgeInSeconds()).isEqualTo(120);
        assertThat(got.destinationConfig().onFailure().destination()).isEqualTo(arn("sink"));
        assertThat(lambda.listFunctionEventInvokeConfigs(r -> r.functionName("configured")).functionEventInvokeConfigs())
                .extracting(FunctionEventInvokeConfig::functionArn).containsExactly(arn("configured") + ":$LATEST");

        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("configured")
                .destinationConfig(d -> d.onFailure(s -> s.destination("arn:aws:sqs:us-east-1:000000000000:q")))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("to Lambda functions only");
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("configured").maximumRetryAttempts(3)))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));

        lambda.deleteFunctionEventInvokeConfig(r -> r.functionName("configured"));
        assertThatThrownBy(() -> lambda.getFunctionEventInvokeConfig(r -> r.functionName("configured")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("doesn't have an EventInvokeConfig");
    }

    @Test
    void deadLettersAreListedInspectedRedrivenAndDeletedWithHearthDlq() throws Exception {
        create("dead-end", AsyncFunctions.RECORDER);
        lambda.putFunctionEventInvokeConfig(r -> r.functionName("dead-end").maximumRetryAttempts(0));
        String requestId = lambda.invoke(r -> r.functionName("dead-end").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"fail\":true}"))).responseMetadata().requestId();

        await().atMost(WAIT).until(() -> get("/hearth/dlq?FunctionName=dead-end").path("DeadLetters").size() == 1);
        JsonNode letter = JSON.readTree(hearth("dlq", "list", "--function", "dead-end")).path("DeadLetters").get(0);
        assertThat(letter.path("EventId").asText()).isEqualTo(requestId);
        assertThat(letter.path("Reason").asText()).isEqualTo("RetriesExhausted");
        assertThat(letter.path("LastError").isNull() || letter.path("LastError").isMissingNode()).isTrue();
        assertThat(JSON.readTree(hearth("dlq", "show", requestId)).path("Payload").asText()).isEqualTo("{\"fail\":true}");

        hearth("dlq", "redrive", requestId);
        await().atMost(WAIT).until(() -> AsyncFunctions.recorded(out).stream().filter(l -> l[0].equals(requestId)).count() == 2);
        await().atMost(WAIT).until(() -> get("/hearth/dlq?FunctionName=dead-end").path("DeadLetters").size() == 1);

        hearth("dlq", "delete", requestId);
        assertThat(get("/hearth/dlq?FunctionName=dead-end").path("DeadLetters")).isEmpty();
    }

    /** Runs the real {@code hearth} client command against this server; returns its stdout, failing on a non-zero exit. */
    private static String hearth(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("hearth.serverJar")));
        command.addAll(java.util.List.of(args));
        command.addAll(java.util.List.of("--endpoint", server.endpoint()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("hearth %s: %s", String.join(" ", args), output).isZero();
        return output;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /**
     * A timeout far above what the functions need: an attempt that timed out on a loaded machine would
     * be retried and change the attempt counts these tests assert.
     */
    private static void create(String name, String source) {
        lambda.createFunction(pythonFunction(name, pythonZip(source)).timeout(60)
                .environment(Environment.builder().variables(Map.of("OUT_DIR", out.toString())).build()).build());
    }

    private static String arn(String name) {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + name;
    }
}
