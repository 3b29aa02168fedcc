package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

/**
 * The details real clients check, through the AWS SDK for Java v2, the AWS CLI v2 and boto3: Lambda's
 * error codes (ValidationException for the model's constraints, InvalidParameterValueException for
 * its rules), messages word for word, the field names of error bodies, the fields of each answer,
 * the states waiters poll, PublishVersion without a change, and the 413 of an oversized payload.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
final class TestLambdaExactAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:";
    private static final String DEPRECATED = "The runtime parameter of %s is no longer supported for creating or updating AWS Lambda"
            + " functions. We recommend you use a supported runtime while creating or updating functions.";
    private static HearthTestServer server;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
        lambda = server.client();
    }

    @AfterAll
    static void stop() throws Exception {
        lambda.close();
        server.close();
    }

    @Test
    void errorBodiesCarryTheFieldsOfLambdasModel() throws Exception {
        HttpResponse<String> notFound = http("GET", "/2015-03-31/functions/no-such-function", null);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("x-amzn-ErrorType")).contains("ResourceNotFoundException");
        assertThat(JSON.readTree(notFound.body())).isEqualTo(JSON.readTree("""
                {"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function"}"""));

        String create = """
                {"FunctionName": "bad-memory", "Runtime": "python3.12", "Role": "%s", "Handler": "app.handler",
                 "MemorySize": 64, "Code": {"ZipFile": "%s"}}""".formatted(HearthTestServer.ROLE,
                java.util.Base64.getEncoder().encodeToString(pythonZip("def handler(e, c):\n    return 1\n")));
        HttpResponse<String> validation = http("POST", "/2015-03-31/functions", create);
        assertThat(validation.statusCode()).isEqualTo(400);
        assertThat(validation.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
        assertThat(JSON.readTree(validation.body())).isEqualTo(JSON.readTree("""
                {"message": "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: \
                Member must have value greater than or equal to 128"}"""));

        lambda.createFunction(pythonFunction("twice", pythonZip("def handler(e, c):\n    return 1\n")).build());
        String again = create.replace("bad-memory", "twice").replace("\"MemorySize\": 64,", "");
        HttpResponse<String> conflict = http("POST", "/2015-03-31/functions", again);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(conflict.body())).isEqualTo(JSON.readTree("""
                {"Type": "User", "message": "Function already exist: twice"}"""));

        HttpResponse<String> list = http("GET", "/2015-03-31/functions/?FunctionVersion=invalid", null);
        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(list.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
        assertThat(JSON.readTree(list.body()).get("message").asText()).isEqualTo("1 validation error detected: Value 'invalid' at"
                + " 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]");
    }

    @Test
    void theSdkSeesLambdasCodesAndMessages() {
        byte[] zip = pythonZip("def handler(e, c):\n    return 1\n");
        assertError(() -> lambda.createFunction(pythonFunction("old", zip).runtime("python3.7").build()),
                400, "InvalidParameterValueException", DEPRECATED.formatted("python3.7"));
        assertError(() -> lambda.createFunction(pythonFunction("slow", zip).timeout(901).memorySize(64).build()),
                400, "ValidationException", "2 validation errors detected: Value '901' at 'timeout' failed to satisfy constraint:"
                        + " Member must have value less than or equal to 900; Value '64' at 'memorySize' failed to satisfy constraint:"
                        + " Member must have value greater than or equal to 128");
        assertError(() -> lambda.listFunctions(r -> r.functionVersion("invalid")), 400, "ValidationException",
                "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy"
                        + " enum value set: [ALL]");
        assertError(() -> lambda.getFunction(r -> r.functionName("ghost")), 404, "ResourceNotFoundException",
                "Function not found: " + ARN_PREFIX + "ghost");

        lambda.createFunction(pythonFunction("routed", zip).publish(true).build());
        lambda.updateFunctionConfiguration(r -> r.functionName("routed").description("two"));
        lambda.publishVersion(r -> r.functionName("routed"));
        assertError(() -> lambda.createAlias(r -> r.functionName("routed").name("live").functionVersion("1")
                        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 2.0)).build())),
                400, "ValidationException", "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights'"
                        + " failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal"
                        + " to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]");
        assertError(() -> lambda.createAlias(r -> r.functionName("routed").name("live").functionVersion("1")
                        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("1", 0.5)).build())),
                400, "InvalidParameterValueException",
                "Invalid function version 1. Function version 1 is already included in routing configuration.");
        assertError(() -> lambda.createAlias(r -> r.functionName("routed").name("live").functionVersion("$LATEST")
                        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("1", 0.5)).build())),
                400, "InvalidParameterValueException", "$LATEST is not supported for an alias pointing to more than 1 version");
        assertThat(lambda.createAlias(r -> r.functionName("routed").name("live").functionVersion("1")
                .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 0.1)).build()))
                .routingConfig().additionalVersionWeights()).containsEntry("2", 0.1);
    }

    @Test
    void answersHaveLambdasFieldsAndWaitersSeeTheFunctionReady() throws Exception {
        CreateFunctionResponse created = lambda.createFunction(pythonFunction("waited", pythonZip("def handler(e, c):\n    return 1\n"))
                .build());
        assertThat(created.stateAsString()).isEqualTo("Pending");
        assertThat(created.stateReason()).isEqualTo("The function is being created.");
        assertThat(created.stateReasonCodeAsString()).isEqualTo("Creating");
        assertThat(created.lastUpdateStatus()).isNull();
        assertThat(created.runtimeVersionConfig().runtimeVersionArn()).matches("arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}");

        WaiterResponse<GetFunctionResponse> active = lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("waited"));
        assertThat(active.matched().response().orElseThrow().configuration().stateAsString()).isEqualTo("Active");
        lambda.waiter().waitUntilFunctionExists(r -> r.functionName("waited"));

        UpdateFunctionConfigurationResponse updated = lambda.updateFunctionConfiguration(r -> r.functionName("waited").timeout(9));
        assertThat(updated.lastUpdateStatusAsString()).isEqualTo("InProgress");
        assertThat(updated.lastUpdateStatusReason()).isEqualTo("The function is being created.");
        assertThat(updated.lastUpdateStatusReasonCodeAsString()).isEqualTo("Creating");
        WaiterResponse<GetFunctionResponse> done = lambda.waiter().waitUntilFunctionUpdatedV2(r -> r.functionName("waited"));
        assertThat(done.matched().response().orElseThrow().configuration().lastUpdateStatusAsString()).isEqualTo("Successful");

        // fields Lambda leaves out stay out: Tags and Environment when there are none, state in list entries
        JsonNode function = JSON.readTree(http("GET", "/2015-03-31/functions/waited", null).body());
        assertThat(function.has("Tags")).isFalse();
        assertThat(function.get("Configuration").has("Environment")).isFalse();
        assertThat(function.get("Configuration").get("RuntimeVersionConfig").get("RuntimeVersionArn").asText())
                .isEqualTo(created.runtimeVersionConfig().runtimeVersionArn());
        JsonNode versions = JSON.readTree(http("GET", "/2015-03-31/functions/waited/versions", null).body());
        for (JsonNode entry : versions.get("Versions")) {
            assertThat(entry.has("State")).isFalse();
            assertThat(entry.has("LastUpdateStatus")).isFalse();
            assertThat(entry.has("RuntimeVersionConfig")).isFalse();
        }
        JsonNode all = JSON.readTree(http("GET", "/2015-03-31/functions/?FunctionVersion=ALL", null).body());
        assertThat(all.get("Functions")).isNotEmpty().allSatisfy(entry -> assertThat(entry.has("State")).isFalse());
    }

    @Test
    void publishingWithoutAChangeAnswersTheExistingVersion() {
        lambda.createFunction(pythonFunction("stable", pythonZip("def handler(e, c):\n    return 1\n")).build());
        var first = lambda.publishVersion(r -> r.functionName("stable").description("first"));
        var same = lambda.publishVersion(r -> r.functionName("stable").description("a different description"));
        assertThat(same.version()).isEqualTo(first.version()).isEqualTo("1");
        assertThat(same.description()).isEqualTo("first");
        assertThat(lambda.listVersionsByFunction(r -> r.functionName("stable")).versions()).hasSize(2);
        String sha = first.codeSha256();
        assertError(() -> lambda.publishVersion(r -> r.functionName("stable").codeSha256("abc")), 400, "InvalidParameterValueException",
                "CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (" + sha + "). Please try again with the CodeSHA256"
                        + " in $LATEST.");
    }

    @Test
    void aSynchronousPayloadOverSixMegabytesIsRefusedAsLambdaRefusesIt() {
        lambda.createFunction(pythonFunction("big", pythonZip("def handler(e, c):\n    return 1\n")).build());
        byte[] payload = ("\"" + "x".repeat(6 * 1024 * 1024) + "\"").getBytes(StandardCharsets.UTF_8);
        assertError(() -> lambda.invoke(r -> r.functionName("big").payload(SdkBytes.fromByteArray(payload))), 413,
                "RequestEntityTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation");
    }

    @Test
    void anEventPayloadOverTheLimitIsRefusedAsLambdaRefusesIt() {
        lambda.createFunction(pythonFunction("big-event", pythonZip("def handler(e, c):\n    return 1\n")).build());
        byte[] payload = ("\"" + "x".repeat(256 * 1024 - 1) + "\"").getBytes(StandardCharsets.UTF_8);
        assertError(() -> lambda.invoke(r -> r.functionName("big-event").invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromByteArray(payload))), 413, "RequestEntityTooLargeException",
                "262145 byte payload is too large for the Event invocation type (limit 262144 bytes)");
    }

    /**
     * Lambda's answers for function names outside the model's constraints, which differ by operation
     * (the {@code FunctionName} and {@code NamespacedFunctionName} shapes, CreateFunction's own rule),
     * and for concurrency settings of {@code $LATEST} and of functions that do not exist, as LocalStack's
     * snapshot tests recorded them from Lambda.
     */
    @Test
    void functionNamesAndConcurrencyTargetsAreRefusedAsLambdaRefusesThem() {
        String namespaced = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                + "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
        String plain = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                + "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
        byte[] zip = pythonZip("def handler(e, c):\n    return 1\n");
        assertError(() -> lambda.getFunction(r -> r.functionName("my-function!")), 400, "ValidationException",
                "1 validation error detected: Value 'my-function!' at 'functionName' failed to satisfy constraint: Member must satisfy"
                        + " regular expression pattern: " + namespaced);
        assertError(() -> lambda.createFunction(pythonFunction("invalid:function:name", zip).build()), 400, "ValidationException",
                "1 validation error detected: Value 'invalid:function:name' at 'functionName' failed to satisfy constraint: Member"
                        + " must satisfy regular expression pattern: " + plain);
        String name65 = "a".repeat(65);
        assertError(() -> lambda.createFunction(pythonFunction(name65, zip).build()), 400, "InvalidParameterValueException",
                "1 validation error detected: Value '" + name65 + "' at 'functionName' failed to satisfy constraint: Member must have"
                        + " length less than or equal to 64");
        assertError(() -> lambda.getFunction(r -> r.functionName(name65)), 404, "ResourceNotFoundException",
                "Function not found: " + ARN_PREFIX + name65);
        String longArn = ARN_PREFIX + "a".repeat(141 - ARN_PREFIX.length());
        assertError(() -> lambda.createFunction(pythonFunction(longArn, zip).build()), 400, "ValidationException",
                "1 validation error detected: Value '" + longArn + "' at 'functionName' failed to satisfy constraint: Member must have"
                        + " length less than or equal to 140");
        assertError(() -> lambda.getFunction(r -> r.functionName("my-function").qualifier("invalid!")), 400, "ValidationException",
                "1 validation error detected: Value 'invalid!' at 'qualifier' failed to satisfy constraint: Member must satisfy"
                        + " regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+");

        lambda.createFunction(pythonFunction("provisioned", zip).publish(true).build());
        String notPublished = "The function resource provided must be an alias or a published version.";
        assertError(() -> lambda.getProvisionedConcurrencyConfig(r -> r.functionName("provisioned").qualifier("$LATEST")), 400,
                "InvalidParameterValueException", notPublished);
        assertError(() -> lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName("provisioned").qualifier("$LATEST")), 400,
                "InvalidParameterValueException", notPublished);
        assertError(() -> lambda.putProvisionedConcurrencyConfig(r -> r.functionName("provisioned").qualifier("$LATEST")
                        .provisionedConcurrentExecutions(1)), 400, "InvalidParameterValueException",
                "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        assertError(() -> lambda.putProvisionedConcurrencyConfig(r -> r.functionName("doesnotexist").qualifier("1")
                .provisionedConcurrentExecutions(1)), 404, "ResourceNotFoundException",
                "Function not found: " + ARN_PREFIX + "doesnotexist:1");
        assertError(() -> lambda.getProvisionedConcurrencyConfig(r -> r.functionName("doesnotexist").qualifier("noalias")), 404,
                "ResourceNotFoundException", "Cannot find alias arn: " + ARN_PREFIX + "doesnotexist:noalias");
        assertError(() -> lambda.putProvisionedConcurrencyConfig(r -> r.functionName("provisioned").qualifier("10")
                .provisionedConcurrentExecutions(1)), 404, "ResourceNotFoundException",
                "Function not found: " + ARN_PREFIX + "provisioned:10");
        assertError(() -> lambda.putFunctionConcurrency(r -> r.functionName("doesnotexist").reservedConcurrentExecutions(1)), 404,
                "ResourceNotFoundException", "Function not found: " + ARN_PREFIX + "doesnotexist:$LATEST");
        assertError(() -> lambda.putFunctionConcurrency(r -> r.functionName(ARN_PREFIX + "provisioned:$LATEST")
                        .reservedConcurrentExecutions(0)), 400, "InvalidParameterValueException",
                "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please"
                        + " specify either a function name or an unqualified function ARN.");
    }

    @Test
    void theCliPrintsLambdasCodesAndMessagesAndItsWaitersSucceed() throws Exception {
        AwsCli aws = new AwsCli(server.endpoint(), "test-key", "test-secret");
        Path zip = aws.file("function.zip", pythonZip("def handler(event, context):\n    return event\n"));
        AwsCli.Result deprecated = aws.run("lambda", "create-function", "--function-name", "cli-old", "--runtime", "nodejs12.x",
                "--handler", "app.handler", "--role", HearthTestServer.ROLE, "--zip-file", "fileb://" + zip);
        assertThat(deprecated.exitCode()).isNotZero();
        // the CLI adds "(reached max retries: 0)" after the operation, as AWS_MAX_ATTEMPTS is 1
        assertThat(deprecated.stderr()).contains("An error occurred (InvalidParameterValueException) when calling the CreateFunction"
                + " operation").contains("): " + DEPRECATED.formatted("nodejs12.x"));

        AwsCli.Result invalidList = aws.run("lambda", "list-functions", "--function-version", "invalid");
        assertThat(invalidList.stderr()).contains("An error occurred (ValidationException) when calling the ListFunctions operation")
                .contains("): 1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy"
                + " enum value set: [ALL]");

        AwsCli.Result created = aws.run("lambda", "create-function", "--function-name", "cli-waited", "--runtime", "python3.12",
                "--handler", "app.handler", "--role", HearthTestServer.ROLE, "--zip-file", "fileb://" + zip, "--publish");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        JsonNode answer = JSON.readTree(created.stdout());
        assertThat(answer.get("State").asText()).isEqualTo("Pending");
        assertThat(answer.get("Version").asText()).isEqualTo("1");
        for (List<String> wait : List.of(List.of("function-exists"), List.of("function-active-v2"), List.of("function-updated-v2"),
                List.of("function-active-v2", "--qualifier", "1"))) {
            List<String> command = new java.util.ArrayList<>(List.of("lambda", "wait"));
            command.addAll(wait);
            command.addAll(List.of("--function-name", "cli-waited"));
            AwsCli.Result waited = aws.run(command.toArray(String[]::new));
            assertThat(waited.exitCode()).as(wait + ": " + waited.stderr()).isZero();
        }

        AwsCli.Result missing = aws.run("lambda", "get-alias", "--function-name", "cli-waited", "--name", "nope");
        assertThat(missing.stderr()).contains("An error occurred (ResourceNotFoundException) when calling the GetAlias operation")
                .contains("): Cannot find alias arn: " + ARN_PREFIX + "cli-waited:nope");
    }

    @Test
    void boto3ReadsEachErrorsFieldsAndItsWaitersSucceed() throws Exception {
        String script = """
                import boto3, io, json, os, zipfile
                from botocore.exceptions import ClientError
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, 'w') as z:
                    z.writestr('app.py', 'def handler(e, c):\\n    return 1\\n')
                client = boto3.client('lambda', endpoint_url=os.environ['HEARTH'], region_name='us-east-1',
                                      aws_access_key_id='test-key', aws_secret_access_key='x')
                out = {}
                def error(name, call):
                    try:
                        call()
                        out[name] = None
                    except ClientError as e:
                        r = e.response
                        out[name] = {'code': r['Error']['Code'], 'message': r['Error']['Message'],
                                     'status': r['ResponseMetadata']['HTTPStatusCode'],
                                     'fields': sorted(k for k in r if k not in ('Error', 'ResponseMetadata'))}
                created = client.create_function(FunctionName='boto-exact', Runtime='python3.12', Role='%s',
                                                 Handler='app.handler', Code={'ZipFile': buf.getvalue()}, Publish=True)
                out['created'] = {k: created.get(k) for k in ('State', 'StateReasonCode', 'Version', 'FunctionArn')}
                client.get_waiter('function_active_v2').wait(FunctionName='boto-exact')
                client.update_function_configuration(FunctionName='boto-exact', Description='changed')
                client.get_waiter('function_updated_v2').wait(FunctionName='boto-exact')
                error('notFound', lambda: client.get_function(FunctionName='boto-missing'))
                error('deprecated', lambda: client.create_function(FunctionName='boto-old', Runtime='python2.7', Role='%s',
                                                                 Handler='app.handler', Code={'ZipFile': buf.getvalue()}))
                error('validation', lambda: client.list_functions(FunctionVersion='invalid'))
                error('tooLarge', lambda: client.invoke(FunctionName='boto-exact', Payload=b'"' + b'x' * (6 * 1024 * 1024) + b'"'))
                print(json.dumps(out))
                """.formatted(HearthTestServer.ROLE, HearthTestServer.ROLE);
        JsonNode result = JSON.readTree(Boto3.run(server.endpoint(), script));

        assertThat(result.get("created")).isEqualTo(JSON.readTree("""
                {"State": "Pending", "StateReasonCode": "Creating", "Version": "1", "FunctionArn": "%sboto-exact"}"""
                .formatted(ARN_PREFIX)));
        // botocore reads the members Lambda's model declares: Message for ResourceNotFoundException, message for the others
        assertThat(result.get("notFound")).isEqualTo(JSON.readTree("""
                {"code": "ResourceNotFoundException", "message": "Function not found: %sboto-missing", "status": 404,
                 "fields": ["Message", "Type"]}""".formatted(ARN_PREFIX)));
        assertThat(result.get("deprecated")).isEqualTo(JSON.readTree("""
                {"code": "InvalidParameterValueException", "message": "%s", "status": 400, "fields": ["Type", "message"]}"""
                .formatted(DEPRECATED.formatted("python2.7"))));
        assertThat(result.get("validation").get("code").asText()).isEqualTo("ValidationException");
        assertThat(result.get("validation").get("message").asText()).isEqualTo("1 validation error detected: Value 'invalid' at"
                + " 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]");
        assertThat(result.get("tooLarge").get("code").asText()).isEqualTo("RequestEntityTooLargeException");
        assertThat(result.get("tooLarge").get("status").asInt()).isEqualTo(413);
        assertThat(result.get("tooLarge").get("message").asText())
                .isEqualTo("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
    }

    private static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    private static HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                .method(method, publisher).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
