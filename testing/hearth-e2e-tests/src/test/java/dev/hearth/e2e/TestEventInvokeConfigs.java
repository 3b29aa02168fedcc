package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.FunctionEventInvokeConfig;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigRequest;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionEventInvokeConfigResponse;

/**
 * Event invoke configs (qualifiers, Put against Update, destinations, listing, Lambda's errors) and the
 * deprecated InvokeAsync, through the AWS SDK for Java v2, the AWS CLI v2 and boto3 (the Java SDK has
 * no InvokeAsync) against a whole Hearth.
 */
final class TestEventInvokeConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Writes {"event": …, "arn": invoked ARN} to event-REQUEST_ID.json (renamed into place when complete). */
    private static final String EVENT_WRITER = """
            import json, os
            def handler(event, context):
                out = os.environ["OUT_DIR"]
                path = os.path.join(out, "event-" + context.aws_request_id + ".json")
                with open(path + ".tmp", "w") as f:
                    json.dump({"event": event, "arn": context.invoked_function_arn}, f)
                os.rename(path + ".tmp", path)
                return {"ok": True}
            """;

    private static HearthTestServer server;
    private static LambdaClient lambda;
    private static AwsCli aws;
    private static Path out;

    @BeforeAll
    static void start() throws Exception {
        out = AsyncFunctions.outputDirectory();
        server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("process")));
        lambda = server.client();
        aws = new AwsCli(server.endpoint(), "cli-key", "cli-secret");
        create("target", EVENT_WRITER);
        create("sink", AsyncFunctions.RECORDER);
        lambda.publishVersion(r -> r.functionName("target"));
        lambda.createAlias(r -> r.functionName("target").name("live").functionVersion("1"));
    }

    @AfterAll
    static void stop() throws Exception {
        lambda.close();
        server.close();
    }

    @Test
    void eachQualifierHasItsOwnConfigAndUnqualifiedIsLatest() {
        create("qualified", EVENT_WRITER);
        lambda.publishVersion(r -> r.functionName("qualified"));
        lambda.createAlias(r -> r.functionName("qualified").name("live").functionVersion("1"));

        PutFunctionEventInvokeConfigResponse latest = lambda.putFunctionEventInvokeConfig(r -> r.functionName("qualified")
                .maximumRetryAttempts(0));
        assertThat(latest.functionArn()).isEqualTo(arn("qualified") + ":$LATEST");
        assertThat(latest.maximumEventAgeInSeconds()).isNull();
        assertThat(latest.lastModified()).isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(1));
        assertThat(lambda.getFunctionEventInvokeConfig(r -> r.functionName("qualified").qualifier("$LATEST"))
                .maximumRetryAttempts()).isZero();
        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(r -> r.functionName("qualified").qualifier("1")),
                "The function " + arn("qualified") + ":1 doesn't have an EventInvokeConfig");

        assertThat(lambda.putFunctionEventInvokeConfig(r -> r.functionName("qualified").qualifier("1").maximumRetryAttempts(1))
                .functionArn()).isEqualTo(arn("qualified") + ":1");
        assertThat(lambda.putFunctionEventInvokeConfig(r -> r.functionName(arn("qualified") + ":live").maximumRetryAttempts(2))
                .functionArn()).isEqualTo(arn("qualified") + ":live");
        assertThat(lambda.getFunctionEventInvokeConfig(r -> r.functionName("qualified:live")).maximumRetryAttempts()).isEqualTo(2);

        List<String> listed = lambda.listFunctionEventInvokeConfigsPaginator(r -> r.functionName("qualified").maxItems(1))
                .functionEventInvokeConfigs().stream().map(FunctionEventInvokeConfig::functionArn).toList();
        assertThat(listed).containsExactly(arn("qualified") + ":$LATEST", arn("qualified") + ":1", arn("qualified") + ":live");
        assertThat(lambda.listFunctionEventInvokeConfigs(r -> r.functionName("qualified").maxItems(2)).nextMarker()).isNotBlank();

        for (String qualifier : List.of("$LATEST", "1", "live")) {
            lambda.deleteFunctionEventInvokeConfig(r -> r.functionName("qualified").qualifier(qualifier));
        }
        assertThat(lambda.listFunctionEventInvokeConfigs(r -> r.functionName("qualified")).functionEventInvokeConfigs()).isEmpty();
    }

    @Test
    void putReplacesTheWholeConfigWhileUpdateChangesWhatItIsGiven() {
        create("replaced", EVENT_WRITER);
        Consumer<PutFunctionEventInvokeConfigRequest.Builder> full = r -> r.functionName("replaced").maximumRetryAttempts(2)
                .maximumEventAgeInSeconds(60).destinationConfig(d -> d.onFailure(f -> f.destination(arn("sink"))));
        lambda.putFunctionEventInvokeConfig(full);
        PutFunctionEventInvokeConfigResponse replaced = lambda.putFunctionEventInvokeConfig(r -> r.functionName("replaced")
                .maximumRetryAttempts(0));
        assertThat(replaced.maximumEventAgeInSeconds()).isNull();
        assertThat(replaced.destinationConfig().onFailure().destination()).isNull();

        lambda.putFunctionEventInvokeConfig(full);
        UpdateFunctionEventInvokeConfigResponse updated = lambda.updateFunctionEventInvokeConfig(r -> r.functionName("replaced")
                .maximumRetryAttempts(0));
        assertThat(updated.maximumRetryAttempts()).isZero();
        assertThat(updated.maximumEventAgeInSeconds()).isEqualTo(60);
        assertThat(updated.destinationConfig().onFailure().destination()).isEqualTo(arn("sink"));
        GetFunctionEventInvokeConfigResponse got = lambda.getFunctionEventInvokeConfig(r -> r.functionName("replaced"));
        assertThat(got.maximumEventAgeInSeconds()).isEqualTo(60);
        assertThat(got.lastModified()).isEqualTo(updated.lastModified());
    }

    @Test
    void lambdasErrorCodesAndMessages() {
        create("strict", EVENT_WRITER);
        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(r -> r.functionName("strict")),
                "The function " + arn("strict") + ":$LATEST doesn't have an EventInvokeConfig");
        assertNotFound(() -> lambda.deleteFunctionEventInvokeConfig(r -> r.functionName("doesnotexist")),
                "The function " + arn("doesnotexist") + ":$LATEST doesn't have an EventInvokeConfig");
        assertNotFound(() -> lambda.updateFunctionEventInvokeConfig(r -> r.functionName("strict").maximumRetryAttempts(0)),
                "The function " + arn("strict") + ":$LATEST doesn't have an EventInvokeConfig");
        assertNotFound(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("doesnotexist").maximumRetryAttempts(0)),
                "The function doesn't exist.");
        assertNotFound(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict").qualifier("9").maximumRetryAttempts(0)),
                "The function doesn't exist.");
        assertNotFound(() -> lambda.listFunctionEventInvokeConfigs(r -> r.functionName("doesnotexist")),
                "The function doesn't exist.");

        assertError(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict")), 400,
                "InvalidParameterValueException", "You must specify at least one of error handling or destination setting.");
        assertError(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict").maximumRetryAttempts(3)), 400,
                "ValidationException", "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy"
                        + " constraint: Member must have value less than or equal to 2");
        assertError(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict").maximumEventAgeInSeconds(21601)), 400,
                "ValidationException", "1 validation error detected: Value '21601' at 'maximumEventAgeInSeconds' failed to"
                        + " satisfy constraint: Member must have value less than or equal to 21600");
        assertError(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict")
                        .destinationConfig(d -> d.onSuccess(s -> s.destination(arn("strict"))))), 400,
                "InvalidParameterValueException", "You can't specify the function as a destination for itself.");
        assertError(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict")
                        .destinationConfig(d -> d.onSuccess(s -> s.destination(arn("doesnotexist"))))), 400,
                "InvalidParameterValueException", "The destination ARN " + arn("doesnotexist") + " is invalid.");
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(r -> r.functionName("strict")
                        .destinationConfig(d -> d.onFailure(s -> s.destination("arn:aws:sqs:us-east-1:000000000000:dlq")))))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValueException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("an Amazon SQS queue").contains("Lambda functions only");
                });
        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(r -> r.functionName("strict")),
                "The function " + arn("strict") + ":$LATEST doesn't have an EventInvokeConfig");
    }

    @Test
    void invokeAsyncThroughBoto3QueuesTheEventAsAnEventInvocation() throws Exception {
        String script = """
                import boto3, json, os
                client = boto3.client('lambda', endpoint_url=os.environ['HEARTH'], region_name='us-east-1',
                                      aws_access_key_id='test-key', aws_secret_access_key='x')
                plain = client.invoke_async(FunctionName='target', InvokeArgs=b'{"via": "boto3"}')
                alias = client.invoke_async(FunctionName='target:live', InvokeArgs=b'{"via": "boto3-alias"}')
                try:
                    client.invoke_async(FunctionName='doesnotexist', InvokeArgs=b'{}')
                    missing = None
                except client.exceptions.ResourceNotFoundException as e:
                    missing = e.response['Error']['Code']
                print(json.dumps({'status': plain['Status'], 'id': plain['ResponseMetadata']['RequestId'],
                                  'aliasStatus': alias['Status'], 'aliasId': alias['ResponseMetadata']['RequestId'],
                                  'missing': missing}))
                """;
        JsonNode result = JSON.readTree(Boto3.run(server.endpoint(), script));
        assertThat(result.path("status").asInt()).isEqualTo(202);
        assertThat(result.path("aliasStatus").asInt()).isEqualTo(202);
        assertThat(result.path("missing").asText()).isEqualTo("ResourceNotFoundException");

        JsonNode plain = awaitEvent(result.path("id").asText());
        assertThat(plain.path("event").path("via").asText()).isEqualTo("boto3");
        assertThat(plain.path("arn").asText()).isEqualTo(arn("target"));
        JsonNode alias = awaitEvent(result.path("aliasId").asText());
        assertThat(alias.path("event").path("via").asText()).isEqualTo("boto3-alias");
        assertThat(alias.path("arn").asText()).isEqualTo(arn("target") + ":live");
    }

    @Test
    void invokeAsyncAnswersStatus202InItsBody() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.endpoint() + "/2014-11-13/functions/target/invoke-async/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"via\":\"http\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"Status\":202}"));
        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(awaitEvent(requestId).path("event").path("via").asText()).isEqualTo("http");
    }

    @Test
    void awsCliV2ConfiguresAndInvokesAsync() throws Exception {
        create("cli-async", EVENT_WRITER);
        JsonNode put = JSON.readTree(ok(aws.run("lambda", "put-function-event-invoke-config", "--function-name", "cli-async",
                "--maximum-retry-attempts", "0", "--destination-config",
                "{\"OnFailure\":{\"Destination\":\"" + arn("sink") + "\"}}")));
        assertThat(put.path("FunctionArn").asText()).isEqualTo(arn("cli-async") + ":$LATEST");
        assertThat(put.path("MaximumRetryAttempts").asInt()).isZero();
        assertThat(put.path("DestinationConfig").path("OnFailure").path("Destination").asText()).isEqualTo(arn("sink"));
        assertThat(put.path("DestinationConfig").path("OnSuccess").size()).isZero();
        assertThat(put.path("LastModified").isMissingNode()).isFalse();

        AwsCli.Result invalid = aws.run("lambda", "update-function-event-invoke-config", "--function-name", "cli-async",
                "--maximum-retry-attempts", "3");
        assertThat(invalid.exitCode()).isNotZero();
        assertThat(invalid.stderr()).contains("(ValidationException)")
                .contains("Value '3' at 'maximumRetryAttempts' failed to satisfy constraint");

        ok(aws.run("lambda", "delete-function-event-invoke-config", "--function-name", "cli-async"));
        AwsCli.Result gone = aws.run("lambda", "get-function-event-invoke-config", "--function-name", "cli-async");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.stderr()).contains("(ResourceNotFoundException)")
                .contains("The function " + arn("cli-async") + ":$LATEST doesn't have an EventInvokeConfig");

        String marker = UUID.randomUUID().toString();
        Path event = aws.file("event.json", ("{\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));
        JsonNode accepted = JSON.readTree(ok(aws.run("lambda", "invoke-async", "--function-name", "cli-async",
                "--invoke-args", event.toString())));
        assertThat(accepted.path("Status").asInt()).isEqualTo(202);
        await().atMost(WAIT).until(() -> eventsWritten().stream()
                .anyMatch(e -> e.path("event").path("marker").asText().equals(marker)));
    }

    private static JsonNode awaitEvent(String requestId) throws Exception {
        Path file = out.resolve("event-" + requestId + ".json");
        await().atMost(WAIT).until(() -> Files.isRegularFile(file));
        return JSON.readTree(file.toFile());
    }

    private static List<JsonNode> eventsWritten() throws Exception {
        try (var files = Files.list(out)) {
            return files.filter(f -> f.getFileName().toString().startsWith("event-") && f.toString().endsWith(".json"))
                    .map(f -> {
                        try {
                            return JSON.readTree(f.toFile());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    private static void assertNotFound(ThrowingCallable call, String message) {
        assertError(call, 404, "ResourceNotFoundException", message);
    }

    private static void assertError(ThrowingCallable call, int status, String code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    private static String ok(AwsCli.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }

    /** A timeout far above what the functions need on a loaded machine. */
    private static void create(String name, String source) {
        lambda.createFunction(pythonFunction(name, pythonZip(source)).timeout(60)
                .environment(Environment.builder().variables(Map.of("OUT_DIR", out.toString())).build()).build());
    }

    private static String arn(String name) {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + name;
    }
}
