package dev.hearth.e2e;

import dev.hearth.e2e.HearthTestServer.TestKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionUrlConfigResponse;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.GetFunctionUrlConfigResponse;
import software.amazon.awssdk.services.lambda.model.InvokeMode;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionUrlConfigResponse;

/**
 * Function URLs on a server that verifies signatures with two accounts' keys: the configuration API
 * through the AWS SDK for Java v2 and the AWS CLI v2, and the URLs served on their own listener to curl
 * (host-style {@code <url-id>.lambda-url.us-east-1.localhost}, which curl sends to loopback itself) and
 * to the JDK's HTTP client (path-style): the payload format 2.0 event the function sees, its answers
 * read as Lambda reads them, binary bodies both ways, CORS, the public permission a {@code NONE} URL
 * needs, SigV4 for {@code AWS_IAM} URLs, alias URLs and the errors of each.
 */
final class TestFunctionUrls {
    private static final String OWNER = "111122223333";
    private static final String OTHER = "444455556666";
    private static final String OWNER_KEY = "AKIAOWNER00000000000";
    private static final String OTHER_KEY = "AKIAOTHER00000000000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLER = """
            import base64, json

            def handler(event, context):
                path = event["rawPath"]
                if path.startswith("/echo"):
                    return {"statusCode": 200, "headers": {"content-type": "application/json", "x-echo": "yes"},
                            "cookies": ["a=1; Path=/", "b=2"],
                            "body": json.dumps({"event": event, "version": context.function_version})}
                if path == "/reverse":
                    data = base64.b64decode(event["body"]) if event.get("isBase64Encoded") else event.get("body", "").encode()
                    return {"statusCode": 201, "headers": {"content-type": "application/octet-stream"},
                            "body": base64.b64encode(bytes(reversed(data))).decode(), "isBase64Encoded": True}
                if path == "/object":
                    return {"hello": "world"}
                if path == "/text":
                    return "just text"
                if path == "/fail":
                    raise RuntimeError("boom")
                return {"statusCode": 404, "body": "nothing at " + path}
            """;

    private static HearthTestServer server;
    private static LambdaClient owner;
    private static LambdaClient other;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @BeforeAll
    static void start() throws Exception {
        Path credentials = HearthTestServer.credentialsFile(new TestKey("owner", OWNER_KEY, "owner-secret", OWNER),
                new TestKey("other", OTHER_KEY, "other-secret", OTHER));
        server = HearthTestServer.start(Optional.of(credentials));
        owner = server.client(OWNER_KEY, "owner-secret", Region.US_EAST_1);
        other = server.client(OTHER_KEY, "other-secret", Region.US_EAST_1);
    }

    @AfterAll
    static void stop() throws Exception {
        owner.close();
        other.close();
        server.close();
    }

    @Test
    void configurationsAreCreatedReadUpdatedListedAndDeletedAsLambdaDoes() throws Exception {
        create("config");
        CreateFunctionUrlConfigResponse created = owner.createFunctionUrlConfig(r -> r.functionName("config")
                .authType(FunctionUrlAuthType.NONE));
        assertThat(created.functionUrl()).matches("http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:\\d+/");
        assertThat(created.functionArn()).isEqualTo(arn("config"));
        assertThat(created.authType()).isEqualTo(FunctionUrlAuthType.NONE);
        assertThat(created.invokeMode()).isEqualTo(InvokeMode.BUFFERED);
        assertThat(created.creationTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(created.cors()).isNull();

        assertThatThrownBy(() -> owner.createFunctionUrlConfig(r -> r.functionName("config").authType(FunctionUrlAuthType.NONE)))
                .isInstanceOf(ResourceConflictException.class).hasMessageStartingWith("Failed to create function url config for "
                        + "[functionArn = " + arn("config") + "]. Error message:  FunctionUrlConfig exists for this Lambda function");
        assertThatThrownBy(() -> owner.createFunctionUrlConfig(r -> r.functionName("config").qualifier("1")
                .authType(FunctionUrlAuthType.NONE)))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContaining("Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular "
                        + "expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))");
        assertThatThrownBy(() -> owner.createFunctionUrlConfig(r -> r.functionName("config").qualifier("nope")
                .authType(FunctionUrlAuthType.NONE)))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageStartingWith("Function does not exist");
        assertThatThrownBy(() -> owner.createFunctionUrlConfig(r -> r.functionName("missing").authType(FunctionUrlAuthType.NONE)))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageStartingWith("Function does not exist");

        UpdateFunctionUrlConfigResponse updated = owner.updateFunctionUrlConfig(r -> r.functionName("config")
                .authType(FunctionUrlAuthType.AWS_IAM).invokeMode(InvokeMode.RESPONSE_STREAM)
                .cors(c -> c.allowOrigins("https://example.com").maxAge(60)));
        assertThat(updated.functionUrl()).as("the URL never changes").isEqualTo(created.functionUrl());
        assertThat(updated.authType()).isEqualTo(FunctionUrlAuthType.AWS_IAM);
        assertThat(updated.invokeMode()).isEqualTo(InvokeMode.RESPONSE_STREAM);
        assertThat(updated.cors().allowOrigins()).containsExactly("https://example.com");
        assertThat(updated.cors().maxAge()).isEqualTo(60);
        assertThat(updated.creationTime()).isEqualTo(created.creationTime());
        GetFunctionUrlConfigResponse got = owner.getFunctionUrlConfig(r -> r.functionName(arn("config")));
        assertThat(got.lastModifiedTime()).isEqualTo(updated.lastModifiedTime());
        assertThat(got.cors().maxAge()).isEqualTo(60);
        assertThat(got.cors().allowCredentials()).isNull();

        owner.publishVersion(r -> r.functionName("config"));
        owner.createAlias(r -> r.functionName("config").name("live").functionVersion("1"));
        // the AWS CLI v2 creates and reads the same configurations
        AwsCli cli = new AwsCli(server.endpoint(), OWNER_KEY, "owner-secret");
        AwsCli.Result createdByCli = cli.run("lambda", "create-function-url-config", "--function-name", "config", "--qualifier", "live",
                "--auth-type", "NONE", "--cors", "AllowOrigins=https://a.example,AllowMethods=GET");
        assertThat(createdByCli.exitCode()).as(createdByCli.stderr()).isZero();
        JsonNode cliConfig = JSON.readTree(createdByCli.stdout());
        assertThat(cliConfig.path("FunctionArn").asText()).isEqualTo(arn("config") + ":live");
        assertThat(cliConfig.path("FunctionUrl").asText()).matches("http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:\\d+/")
                .isNotEqualTo(created.functionUrl());
        assertThat(cliConfig.path("Cors").path("AllowMethods")).extracting(JsonNode::asText).containsExactly("GET");
        assertThat(owner.listFunctionUrlConfigs(r -> r.functionName("config")).functionUrlConfigs())
                .extracting(c -> c.functionArn()).containsExactly(arn("config"), arn("config") + ":live");
        var firstPage = owner.listFunctionUrlConfigs(r -> r.functionName("config").maxItems(1));
        assertThat(firstPage.functionUrlConfigs()).hasSize(1);
        assertThat(owner.listFunctionUrlConfigs(r -> r.functionName("config").marker(firstPage.nextMarker())).functionUrlConfigs())
                .extracting(c -> c.functionArn()).containsExactly(arn("config") + ":live");

        AwsCli.Result get = cli.run("lambda", "get-function-url-config", "--function-name", "config", "--qualifier", "live");
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(JSON.readTree(get.stdout()).path("FunctionArn").asText()).isEqualTo(arn("config") + ":live");
        AwsCli.Result missing = cli.run("lambda", "delete-function-url-config", "--function-name", "missing");
        assertThat(missing.stderr()).contains("ResourceNotFoundException").contains("The resource you requested does not exist.");

        owner.deleteFunctionUrlConfig(r -> r.functionName("config"));
        assertThatThrownBy(() -> owner.getFunctionUrlConfig(r -> r.functionName("config")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageStartingWith("The resource you requested does not exist.");
        owner.deleteAlias(r -> r.functionName("config").name("live"));
        assertThat(owner.listFunctionUrlConfigs(r -> r.functionName("config")).functionUrlConfigs())
                .as("an alias's URL goes with the alias").isEmpty();
    }

    @Test
    void aPublicUrlServesThePayloadFormat2EventAndTheFunctionsAnswerToCurl() throws Exception {
        create("public");
        String url = owner.createFunctionUrlConfig(r -> r.functionName("public").authType(FunctionUrlAuthType.NONE)).functionUrl();
        String urlId = URI.create(url).getHost().split("\\.")[0];
        assertThat(curl(url + "echo").status()).as("no public permission yet").isEqualTo(403);
        assertThat(curl(url + "echo").body()).isEqualTo("{\"Message\":\"Forbidden\"}");
        allowPublic("public", Optional.empty());

        Answer answer = curl(url + "echo/a%20b?x=1&x=2&y=z", "-H", "Cookie: c1=v1; c2=v2", "-H", "X-Custom: one",
                "-H", "X-Custom: two", "-A", "hearth-test");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().get("x-echo")).containsExactly("yes");
        assertThat(answer.headers().get("set-cookie")).containsExactly("a=1; Path=/", "b=2");
        assertThat(answer.headers().get("content-type")).containsExactly("application/json");
        assertThat(answer.headers()).doesNotContainKey("content-security-policy");
        JsonNode event = JSON.readTree(answer.body()).path("event");
        assertThat(event.path("version").asText()).isEqualTo("2.0");
        assertThat(event.path("routeKey").asText()).isEqualTo("$default");
        assertThat(event.path("rawPath").asText()).isEqualTo("/echo/a%20b");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("x=1&x=2&y=z");
        assertThat(event.path("queryStringParameters").path("x").asText()).isEqualTo("1,2");
        assertThat(event.path("queryStringParameters").path("y").asText()).isEqualTo("z");
        assertThat(event.path("cookies")).extracting(JsonNode::asText).containsExactly("c1=v1", "c2=v2");
        assertThat(event.path("headers").path("x-custom").asText()).isEqualTo("one,two");
        assertThat(event.path("headers").has("cookie")).isFalse();
        assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.has("body")).isFalse();
        JsonNode context = event.path("requestContext");
        assertThat(context.path("accountId").asText()).isEqualTo("anonymous");
        assertThat(context.path("apiId").asText()).isEqualTo(urlId);
        assertThat(context.path("domainName").asText()).isEqualTo(urlId + ".lambda-url.us-east-1.localhost");
        assertThat(context.path("domainPrefix").asText()).isEqualTo(urlId);
        assertThat(context.path("stage").asText()).isEqualTo("$default");
        assertThat(context.path("http").path("method").asText()).isEqualTo("GET");
        assertThat(context.path("http").path("path").asText()).isEqualTo("/echo/a%20b");
        assertThat(context.path("http").path("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.path("http").path("userAgent").asText()).isEqualTo("hearth-test");
        assertThat(context.path("requestId").asText()).isEqualTo(answer.headers().get("x-amzn-requestid").getFirst());
        assertThat(context.path("timeEpoch").asLong()).isPositive();
        assertThat(context.has("authorizer")).isFalse();

        Answer posted = curl(url + "echo", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "{\"k\":\"v\"}");
        JsonNode postedEvent = JSON.readTree(posted.body()).path("event");
        assertThat(postedEvent.path("body").asText()).isEqualTo("{\"k\":\"v\"}");
        assertThat(postedEvent.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(postedEvent.path("requestContext").path("http").path("method").asText()).isEqualTo("POST");

        Answer object = curl(url + "object");
        assertThat(object.status()).isEqualTo(200);
        assertThat(object.headers().get("content-type")).containsExactly("application/json");
        assertThat(JSON.readTree(object.body()).path("hello").asText()).isEqualTo("world");
        Answer text = curl(url + "text");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("just text");
        Answer notFound = curl(url + "elsewhere");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("nothing at /elsewhere");
        Answer failed = curl(url + "fail");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.body()).isEqualTo("{\"Message\":\"Internal Server Error\"}");

        Answer unknown = curl(url.replace(urlId, "0".repeat(32)) + "echo");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void aThrottledInvocationIs429() throws Exception {
        create("throttled");
        String url = owner.createFunctionUrlConfig(r -> r.functionName("throttled").authType(FunctionUrlAuthType.NONE)).functionUrl();
        allowPublic("throttled", Optional.empty());
        owner.putFunctionConcurrency(r -> r.functionName("throttled").reservedConcurrentExecutions(0));
        Answer throttled = curl(url + "object");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body()).isEqualTo("{\"Message\":\"Rate Exceeded.\"}");
    }

    @Test
    void withoutCredentialsAnAwsIamUrlStillNeedsAWellFormedSignatureAndSaysSo() throws Exception {
        try (HearthTestServer open = HearthTestServer.start(); LambdaClient client = open.client("111122223333", "any-secret")) {
            client.createFunction(HearthTestServer.pythonFunction("iam", HearthTestServer.pythonZip(HANDLER)).build());
            String url = client.createFunctionUrlConfig(r -> r.functionName("iam").authType(FunctionUrlAuthType.AWS_IAM)).functionUrl();
            Answer unsigned = curl(url + "object");
            assertThat(unsigned.status()).isEqualTo(403);
            assertThat(JSON.readTree(unsigned.body()).path("Message").asText())
                    .contains("Signature Version 4 for the service 'lambda'").contains("without --credentials");
            Answer forged = curl(url + "object", "-H", "Authorization: AWS4-HMAC-SHA256 Credential=111122223333/20260101/us-east-1/lambda");
            assertThat(forged.status()).as("a signature without SignedHeaders and Signature is not well-formed").isEqualTo(403);
            Answer signed = curl(url + "object", "--aws-sigv4", "aws:amz:us-east-1:lambda", "--user", "111122223333:whatever");
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
            assertThat(JSON.readTree(signed.body()).path("hello").asText()).isEqualTo("world");
        }
    }

    @Test
    void theLambdaInvokeFunctionPermissionAloneOrTheUrlPermissionAloneDoesNotOpenAUrl() throws Exception {
        create("halfopen");
        String url = owner.createFunctionUrlConfig(r -> r.functionName("halfopen").authType(FunctionUrlAuthType.NONE)).functionUrl();
        owner.addPermission(r -> r.functionName("halfopen").statementId("url").action("lambda:InvokeFunctionUrl").principal("*")
                .functionUrlAuthType(FunctionUrlAuthType.NONE));
        assertThat(curl(url + "object").status()).as("since October 2025 lambda:InvokeFunction is needed too").isEqualTo(403);
        owner.addPermission(r -> r.functionName("halfopen").statementId("invoke").action("lambda:InvokeFunction").principal("*")
                .invokedViaFunctionUrl(true));
        assertThat(curl(url + "object").status()).isEqualTo(200);
        owner.removePermission(r -> r.functionName("halfopen").statementId("url"));
        assertThat(curl(url + "object").status()).isEqualTo(403);
        owner.addPermission(r -> r.functionName("halfopen").statementId("url-iam").action("lambda:InvokeFunctionUrl").principal("*")
                .functionUrlAuthType(FunctionUrlAuthType.AWS_IAM));
        assertThat(curl(url + "object").status()).as("the condition names the other auth type").isEqualTo(403);
    }

    @Test
    void binaryBodiesTravelBase64BothWaysOnThePathStyleUrl() throws Exception {
        create("binary");
        String url = owner.createFunctionUrlConfig(r -> r.functionName("binary").authType(FunctionUrlAuthType.NONE)).functionUrl();
        allowPublic("binary", Optional.empty());
        String pathStyle = pathStyle(url);
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        HttpResponse<byte[]> reversed = HTTP.send(HttpRequest.newBuilder(URI.create(pathStyle + "reverse"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(data))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(reversed.statusCode()).isEqualTo(201);
        byte[] expected = new byte[256];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (255 - i);
        }
        assertThat(reversed.body()).isEqualTo(expected);
        assertThat(reversed.headers().firstValue("content-type")).contains("application/octet-stream");
        assertThat(reversed.headers().firstValue("content-security-policy")).as("a path-style answer is sandboxed")
                .contains("sandbox");

        HttpResponse<String> echoed = HTTP.send(HttpRequest.newBuilder(URI.create(pathStyle + "echo?q=1"))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode event = JSON.readTree(echoed.body()).path("event");
        assertThat(event.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(event.path("body").asText()).isEqualTo("iVBORw==");
        assertThat(event.path("rawPath").asText()).as("the path without the URL id").isEqualTo("/echo");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("q=1");
    }

    @Test
    void corsPreflightsAreAnsweredWithoutTheFunctionAndAnswersCarryTheAllowedOrigin() throws Exception {
        create("cors");
        String url = owner.createFunctionUrlConfig(r -> r.functionName("cors").authType(FunctionUrlAuthType.NONE)
                .cors(c -> c.allowOrigins("https://app.example").allowMethods("POST", "GET").allowHeaders("x-custom")
                        .exposeHeaders("x-echo").maxAge(300))).functionUrl();
        allowPublic("cors", Optional.empty());
        Answer preflight = curl(url + "echo", "-X", "OPTIONS", "-H", "Origin: https://app.example",
                "-H", "Access-Control-Request-Method: POST", "-H", "Access-Control-Request-Headers: x-custom");
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.body()).as("the function did not answer").isEmpty();
        assertThat(preflight.headers().get("access-control-allow-origin")).containsExactly("https://app.example");
        assertThat(preflight.headers().get("access-control-allow-methods")).containsExactly("POST,GET");
        assertThat(preflight.headers().get("access-control-allow-headers")).containsExactly("x-custom");
        assertThat(preflight.headers().get("access-control-max-age")).containsExactly("300");

        Answer foreign = curl(url + "echo", "-X", "OPTIONS", "-H", "Origin: https://evil.example",
                "-H", "Access-Control-Request-Method: POST");
        assertThat(foreign.headers()).doesNotContainKey("access-control-allow-origin");

        Answer actual = curl(url + "echo", "-H", "Origin: https://app.example");
        assertThat(actual.status()).isEqualTo(200);
        assertThat(actual.headers().get("access-control-allow-origin")).containsExactly("https://app.example");
        assertThat(actual.headers().get("access-control-expose-headers")).containsExactly("x-echo");
    }

    @Test
    void anAwsIamUrlRefusesUnsignedAndWronglySignedRequestsAndServesSignedOnes() throws Exception {
        create("private");
        String url = owner.createFunctionUrlConfig(r -> r.functionName("private").authType(FunctionUrlAuthType.AWS_IAM)).functionUrl();
        Answer unsigned = curl(url + "echo");
        assertThat(unsigned.status()).isEqualTo(403);
        assertThat(JSON.readTree(unsigned.body()).path("Message").asText()).contains("AWS_IAM")
                .contains("Signature Version 4 for the service 'lambda'");

        // curl's own SigV4, host-style, with the owner's key: the function's own account needs no permission
        Answer signed = curl(url + "echo?x=1", "--aws-sigv4", "aws:amz:us-east-1:lambda", "--user", OWNER_KEY + ":owner-secret");
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        JsonNode context = JSON.readTree(signed.body()).path("event").path("requestContext");
        assertThat(context.path("accountId").asText()).isEqualTo(OWNER);
        assertThat(context.path("authorizer").path("iam").path("accessKey").asText()).isEqualTo(OWNER_KEY);
        assertThat(context.path("authorizer").path("iam").path("accountId").asText()).isEqualTo(OWNER);

        Answer wrongSecret = curl(url + "echo", "--aws-sigv4", "aws:amz:us-east-1:lambda", "--user", OWNER_KEY + ":not-the-secret");
        assertThat(wrongSecret.status()).isEqualTo(403);

        // the AWS SDK's signer, path-style, with the other account's key: its policy must allow it
        HttpResponse<String> denied = sdkSigned(pathStyle(url) + "echo", OTHER_KEY, "other-secret");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).isEqualTo("{\"Message\":\"Forbidden\"}");
        owner.addPermission(r -> r.functionName("private").statementId("other-url").action("lambda:InvokeFunctionUrl")
                .principal(OTHER).functionUrlAuthType(FunctionUrlAuthType.AWS_IAM));
        owner.addPermission(r -> r.functionName("private").statementId("other-invoke").action("lambda:InvokeFunction")
                .principal(OTHER).invokedViaFunctionUrl(true));
        HttpResponse<String> allowed = sdkSigned(pathStyle(url) + "echo", OTHER_KEY, "other-secret");
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(JSON.readTree(allowed.body()).path("event").path("requestContext").path("accountId").asText()).isEqualTo(OTHER);
    }

    @Test
    void anAliasUrlInvokesTheAliasVersionAndGoesWithTheAlias() throws Exception {
        create("aliased");
        owner.publishVersion(r -> r.functionName("aliased"));
        owner.createAlias(r -> r.functionName("aliased").name("live").functionVersion("1"));
        String url = owner.createFunctionUrlConfig(r -> r.functionName("aliased").qualifier("live")
                .authType(FunctionUrlAuthType.NONE)).functionUrl();
        allowPublic("aliased", Optional.of("live"));
        Answer answer = curl(url + "echo");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("version").asText()).isEqualTo("1");

        owner.deleteAlias(r -> r.functionName("aliased").name("live"));
        assertThat(curl(url + "echo").status()).as("the URL went with its alias").isEqualTo(404);
    }

    private static void create(String name) {
        owner.createFunction(HearthTestServer.pythonFunction(name, HearthTestServer.pythonZip(HANDLER)).build());
    }

    private static String arn(String name) {
        return "arn:aws:lambda:us-east-1:" + OWNER + ":function:" + name;
    }

    /** The two statements a public URL needs since October 2025. */
    private static void allowPublic(String function, Optional<String> qualifier) {
        owner.addPermission(r -> r.functionName(function).qualifier(qualifier.orElse(null)).statementId("public-url")
                .action("lambda:InvokeFunctionUrl").principal("*").functionUrlAuthType(FunctionUrlAuthType.NONE));
        owner.addPermission(r -> r.functionName(function).qualifier(qualifier.orElse(null)).statementId("public-invoke")
                .action("lambda:InvokeFunction").principal("*").invokedViaFunctionUrl(true));
    }

    /** {@code http://127.0.0.1:PORT/<url-id>/} for a URL {@code http://<url-id>.lambda-url....:PORT/}. */
    private static String pathStyle(String url) {
        URI uri = URI.create(url);
        return "http://127.0.0.1:" + uri.getPort() + "/" + uri.getHost().split("\\.")[0] + "/";
    }

    private static HttpResponse<String> sdkSigned(String url, String key, String secret) throws Exception {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(URI.create(url)).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(key, secret))
                .request(request).payload(ContentStreamProvider.fromUtf8String(""))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofMinutes(2));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    record Answer(int status, Map<String, List<String>> headers, String body) {}

    /** Runs curl (which sends {@code *.localhost} to loopback itself) and reads its answer. */
    private static Answer curl(String url, String... options) throws IOException, InterruptedException {
        Path headers = Files.createTempFile("curl-headers", ".txt");
        Path body = Files.createTempFile("curl-body", ".bin");
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "120", "-D", headers.toString(), "-o",
                body.toString()));
        command.addAll(List.of(options));
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("curl " + url + " did not finish");
        }
        assertThat(process.exitValue()).as("curl exit status for " + url).isZero();
        List<String> lines = Files.readAllLines(headers, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(lines.getFirst().split(" ")[1]);
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                byName.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
        }
        String text = Files.readString(body, StandardCharsets.UTF_8);
        Files.delete(headers);
        Files.delete(body);
        return new Answer(status, byName, text);
    }
}
