package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static dev.hearth.e2e.HearthTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddLayerVersionPermissionResponse;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.lambda.model.LayerVersionContentInput;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.LayersListItem;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 16, the layers API: PublishLayerVersion (inline and from S3 through a real S3-compatible
 * server), Get/List/Delete with Lambda's shapes and numbering, layer-version permissions and their
 * policy, cross-account use, the limits and errors of a function's {@code Layers}, and functions whose
 * code imports what only their layer has; driven by the AWS SDK for Java v2 and the AWS CLI v2.
 */
@Timeout(600)
final class TestLayers {
    private static final String ACCOUNT = "000000000000";
    private static final String OTHER_ACCOUNT = "111111111111";
    private static final String LAYER_ARN_PREFIX = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":layer:";

    private static HearthTestServer hearth;
    private static LambdaClient lambda;
    private static LambdaClient other;

    @BeforeAll
    static void start() throws Exception {
        hearth = HearthTestServer.start(); // layer content from S3: the server's embedded store
        lambda = hearth.client();
        other = hearth.client(OTHER_ACCOUNT, "other-secret");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {other, lambda, hearth}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static byte[] pythonLayer(String module, String source) {
        return zip(Map.of("python/" + module + ".py", source));
    }

    private static PublishLayerVersionResponse publish(LambdaClient client, String name, byte[] zip) {
        return client.publishLayerVersion(b -> b.layerName(name).content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
    }

    @Test
    void publishedVersionsAreNumberedListedFetchedAndDeletedWithLambdasShapes() throws Exception {
        byte[] zip = pythonLayer("shapes", "X = 1\n");
        PublishLayerVersionResponse first = lambda.publishLayerVersion(b -> b.layerName("shapes").description("first")
                .licenseInfo("MIT").compatibleRuntimes(Runtime.PYTHON3_12).compatibleArchitectures(Architecture.X86_64)
                .content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
        assertThat(first.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(first.version()).isEqualTo(1L);
        assertThat(first.layerArn()).isEqualTo(LAYER_ARN_PREFIX + "shapes");
        assertThat(first.layerVersionArn()).isEqualTo(LAYER_ARN_PREFIX + "shapes:1");
        assertThat(first.description()).isEqualTo("first");
        assertThat(first.licenseInfo()).isEqualTo("MIT");
        assertThat(first.compatibleRuntimes()).containsExactly(Runtime.PYTHON3_12);
        assertThat(first.compatibleArchitectures()).containsExactly(Architecture.X86_64);
        assertThat(first.createdDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
        assertThat(first.content().codeSize()).isEqualTo(zip.length);
        assertThat(first.content().codeSha256()).isEqualTo(java.util.Base64.getEncoder().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(zip)));
        assertThat(download(first.content().location())).isEqualTo(zip);

        PublishLayerVersionResponse second = publish(lambda, "shapes", pythonLayer("shapes", "X = 2\n"));
        assertThat(second.version()).isEqualTo(2L);
        assertThat(second.compatibleRuntimes()).isEmpty();
        assertThat(second.hasCompatibleRuntimes()).isFalse(); // left out when the request had none
        assertThat(second.licenseInfo()).isNull();
        assertThat(second.description()).isEmpty();

        GetLayerVersionResponse got = lambda.getLayerVersion(b -> b.layerName("shapes").versionNumber(1L));
        assertThat(got.layerVersionArn()).isEqualTo(first.layerVersionArn());
        assertThat(got.content().codeSha256()).isEqualTo(first.content().codeSha256());
        var byArn = lambda.getLayerVersionByArn(b -> b.arn(second.layerVersionArn()));
        assertThat(byArn.version()).isEqualTo(2L);
        assertThat(lambda.getLayerVersion(b -> b.layerName(first.layerArn()).versionNumber(1L)).description()).isEqualTo("first");

        assertThat(lambda.listLayerVersions(b -> b.layerName("shapes")).layerVersions())
                .extracting(LayerVersionsListItem::version).containsExactly(2L, 1L);
        assertThat(lambda.listLayerVersions(b -> b.layerName("shapes").compatibleRuntime(Runtime.PYTHON3_12)).layerVersions())
                .extracting(LayerVersionsListItem::version).containsExactly(1L);
        LayersListItem listed = lambda.listLayers(b -> b.compatibleRuntime(Runtime.PYTHON3_12)).layers().stream()
                .filter(l -> l.layerName().equals("shapes")).findFirst().orElseThrow();
        assertThat(listed.layerArn()).isEqualTo(first.layerArn());
        assertThat(listed.latestMatchingVersion().version()).isEqualTo(1L);
        assertThat(listed.latestMatchingVersion().licenseInfo()).isEqualTo("MIT");

        lambda.deleteLayerVersion(b -> b.layerName("shapes").versionNumber(1L));
        lambda.deleteLayerVersion(b -> b.layerName("shapes").versionNumber(1L));
        lambda.deleteLayerVersion(b -> b.layerName("shapes").versionNumber(2L));
        lambda.deleteLayerVersion(b -> b.layerName("never-published").versionNumber(7L));
        assertThat(lambda.listLayerVersions(b -> b.layerName("shapes")).layerVersions()).isEmpty();
        assertThat(lambda.listLayers().layers()).extracting(LayersListItem::layerName).doesNotContain("shapes");
        assertThatThrownBy(() -> lambda.getLayerVersion(b -> b.layerName("shapes").versionNumber(1L)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The resource you requested does not exist.");
                });
        assertThat(publish(lambda, "shapes", zip).version()).isEqualTo(3L);
        assertThatThrownBy(() -> lambda.getLayerVersion(b -> b.layerName("shapes").versionNumber(0L)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Layer Version Cannot be less than 1"));
    }

    @Test
    void contentComesFromS3AsFunctionCodeDoes() {
        byte[] zip = pythonLayer("froms3", "X = 's3'\n");
        try (S3Client s3 = hearth.s3()) {
            s3.createBucket(b -> b.bucket("layer-code"));
            s3.putObject(b -> b.bucket("layer-code").key("layer.zip"), RequestBody.fromBytes(zip));
        }
        PublishLayerVersionResponse published = lambda.publishLayerVersion(b -> b.layerName("from-s3")
                .content(LayerVersionContentInput.builder().s3Bucket("layer-code").s3Key("layer.zip").build()));
        assertThat(published.content().codeSize()).isEqualTo(zip.length);
        assertThatThrownBy(() -> lambda.publishLayerVersion(b -> b.layerName("from-s3")
                .content(LayerVersionContentInput.builder().s3Bucket("layer-code").s3Key("absent.zip").build())))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist."));
        assertThat(lambda.listLayerVersions(b -> b.layerName("from-s3")).layerVersions()).hasSize(1);
    }

    @Test
    void permissionsFormAPolicyAndLetAnotherAccountUseTheLayer() throws Exception {
        PublishLayerVersionResponse shared = publish(other, "shared-lib", pythonLayer("shared", "X = 1\n"));
        assertThat(shared.layerVersionArn()).isEqualTo("arn:aws:lambda:us-east-1:" + OTHER_ACCOUNT + ":layer:shared-lib:1");
        String denied = "User: arn:aws:iam::" + ACCOUNT + ":root is not authorized to perform: lambda:GetLayerVersion on resource: "
                + shared.layerVersionArn() + " because no resource-based policy allows the lambda:GetLayerVersion action";
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("cross-account", pythonZip("def handler(e, c):\n    return 1\n"))
                .layers(shared.layerVersionArn()).build()))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(denied);
                });
        assertThatThrownBy(() -> other.getLayerVersionPolicy(b -> b.layerName("shared-lib").versionNumber(1L)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("No policy is associated with the given resource."));

        AddLayerVersionPermissionResponse added = other.addLayerVersionPermission(b -> b.layerName("shared-lib").versionNumber(1L)
                .statementId("to-000").action("lambda:GetLayerVersion").principal(ACCOUNT));
        assertThat(new ObjectMapper().readTree(added.statement()).toString()).isEqualTo("{\"Sid\":\"to-000\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"},\"Action\":\"lambda:GetLayerVersion\","
                + "\"Resource\":\"" + shared.layerVersionArn() + "\"}");
        assertThatThrownBy(() -> other.addLayerVersionPermission(b -> b.layerName("shared-lib").versionNumber(1L)
                .statementId("to-000").action("lambda:GetLayerVersion").principal("*")))
                .isInstanceOf(ResourceConflictException.class);
        assertThatThrownBy(() -> other.addLayerVersionPermission(b -> b.layerName("shared-lib").versionNumber(1L)
                .statementId("everyone").action("lambda:GetLayerVersion").principal("*").revisionId("not-the-revision")))
                .isInstanceOfSatisfying(PreconditionFailedException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API"
                                + " to retrieve the latest Revision Id"));
        var everyone = other.addLayerVersionPermission(b -> b.layerName("shared-lib").versionNumber(1L)
                .statementId("everyone").action("lambda:GetLayerVersion").principal("*").revisionId(added.revisionId()));
        var policy = other.getLayerVersionPolicy(b -> b.layerName("shared-lib").versionNumber(1L));
        assertThat(policy.revisionId()).isEqualTo(everyone.revisionId());
        JsonNode document = new ObjectMapper().readTree(policy.policy());
        assertThat(document.get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(document.get("Id").asText()).isEqualTo("default");
        assertThat(document.get("Statement").findValuesAsText("Sid")).containsExactly("to-000", "everyone");
        other.removeLayerVersionPermission(b -> b.layerName("shared-lib").versionNumber(1L).statementId("everyone"));
        assertThatThrownBy(() -> other.removeLayerVersionPermission(b -> b.layerName("shared-lib").versionNumber(1L)
                .statementId("everyone"))).isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(
                        e.awsErrorDetails().errorMessage()).isEqualTo("Statement everyone is not found in resource policy."));

        var created = lambda.createFunction(pythonFunction("cross-account",
                pythonZip("import shared\ndef handler(e, c):\n    return shared.X\n")).layers(shared.layerVersionArn()).build());
        assertThat(created.layers()).extracting(Layer::arn).containsExactly(shared.layerVersionArn());
        assertThat(lambda.getLayerVersionByArn(b -> b.arn(shared.layerVersionArn())).layerArn())
                .isEqualTo("arn:aws:lambda:us-east-1:" + OTHER_ACCOUNT + ":layer:shared-lib");
    }

    @Test
    void aFunctionsLayersAreLimitedAndCheckedWithLambdasErrors() {
        byte[] code = pythonZip("def handler(e, c):\n    return 1\n");
        List<String> six = IntStream.range(0, 6).mapToObj(i -> publish(lambda, "limit-" + i, pythonLayer("m" + i, "X = 1\n"))
                .layerVersionArn()).toList();
        assertInvalid(() -> lambda.createFunction(pythonFunction("limits", code).layers(six).build()),
                "Cannot reference more than 5 layers.");
        assertInvalid(() -> lambda.createFunction(pythonFunction("limits", code).layers(LAYER_ARN_PREFIX + "absent:1").build()),
                "Layer version " + LAYER_ARN_PREFIX + "absent:1 does not exist.");
        assertInvalid(() -> lambda.createFunction(pythonFunction("limits", code)
                .layers("arn:aws:lambda:eu-west-1:" + ACCOUNT + ":layer:limit-0:1").build()),
                "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.");
        String second = publish(lambda, "limit-0", pythonLayer("m0", "X = 2\n")).layerVersionArn();
        assertInvalid(() -> lambda.createFunction(pythonFunction("limits", code).layers(six.getFirst(), second).build()),
                "Two different versions of the same layer are not allowed to be referenced in the same function. "
                        + six.getFirst() + " and " + second + " are versions of the same layer.");
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("limits", code).layers(LAYER_ARN_PREFIX + "limit-0").build()))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("1 validation error detected: Value '["
                            + LAYER_ARN_PREFIX + "limit-0]' at 'layers' failed to satisfy constraint: Member must satisfy constraint:");
                });
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("limits"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void functionsKeepTheirLayersThroughUpdatesPublishingAndTheLayersDeletion() {
        String lib = publish(lambda, "keep-lib", pythonLayer("keeplib", "VALUE = 'lib'\n")).layerVersionArn();
        PublishLayerVersionResponse tools = publish(lambda, "keep-tools", pythonLayer("keeptools", "VALUE = 'tools'\n"));
        var created = lambda.createFunction(pythonFunction("keeper", pythonZip("def handler(e, c):\n    return 1\n"))
                .layers(lib).build());
        assertThat(created.layers()).extracting(Layer::arn).containsExactly(lib);

        String revision = lambda.getFunctionConfiguration(b -> b.functionName("keeper")).revisionId();
        var updated = lambda.updateFunctionConfiguration(b -> b.functionName("keeper")
                .layers(tools.layerVersionArn(), lib));
        assertThat(updated.layers()).extracting(Layer::arn, Layer::codeSize)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(tools.layerVersionArn(), tools.content().codeSize()),
                        org.assertj.core.groups.Tuple.tuple(lib, lambda.getLayerVersionByArn(b -> b.arn(lib)).content().codeSize()));
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName("keeper")).revisionId()).isNotEqualTo(revision);
        String published = lambda.publishVersion(b -> b.functionName("keeper")).version();
        assertThat(lambda.getFunction(b -> b.functionName("keeper").qualifier(published)).configuration().layers()).hasSize(2);
        assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("keeper")).findFirst()
                .orElseThrow().layers()).hasSize(2);

        lambda.deleteLayerVersion(b -> b.layerName("keep-tools").versionNumber(1L));
        assertThat(lambda.getFunction(b -> b.functionName("keeper")).configuration().layers()).extracting(Layer::arn)
                .containsExactly(tools.layerVersionArn(), lib);
        assertThat(lambda.updateFunctionConfiguration(b -> b.functionName("keeper").layers(List.of())).layers()).isEmpty();
        assertThat(lambda.getFunction(b -> b.functionName("keeper").qualifier(published)).configuration().layers()).hasSize(2);
    }

    @Test
    void awsCliPublishesListsAndReadsThePolicy() throws Exception {
        AwsCli cli = new AwsCli(hearth.endpoint(), "test-key", "test-secret");
        AwsCli.Result published = cli.run("lambda", "publish-layer-version", "--layer-name", "cli-layer",
                "--zip-file", "fileb://" + cli.file("layer.zip", pythonLayer("cli", "X = 1\n")),
                "--compatible-runtimes", "python3.12", "nodejs20.x", "--compatible-architectures", "x86_64", "arm64");
        assertThat(published.exitCode()).as(published.stderr()).isZero();
        JsonNode layer = new ObjectMapper().readTree(published.stdout());
        assertThat(layer.get("LayerVersionArn").asText()).isEqualTo(LAYER_ARN_PREFIX + "cli-layer:1");
        assertThat(layer.get("CompatibleRuntimes").toString()).isEqualTo("[\"python3.12\",\"nodejs20.x\"]");

        AwsCli.Result permission = cli.run("lambda", "add-layer-version-permission", "--layer-name", "cli-layer",
                "--version-number", "1", "--statement-id", "public", "--action", "lambda:GetLayerVersion", "--principal", "*");
        assertThat(permission.exitCode()).as(permission.stderr()).isZero();
        AwsCli.Result policy = cli.run("lambda", "get-layer-version-policy", "--layer-name", "cli-layer", "--version-number", "1");
        assertThat(policy.exitCode()).as(policy.stderr()).isZero();
        JsonNode statement = new ObjectMapper().readTree(new ObjectMapper().readTree(policy.stdout()).get("Policy").asText())
                .get("Statement").get(0);
        assertThat(statement.get("Principal").asText()).isEqualTo("*");
        assertThat(statement.get("Resource").asText()).isEqualTo(LAYER_ARN_PREFIX + "cli-layer:1");

        AwsCli.Result listed = cli.run("lambda", "list-layers", "--compatible-runtime", "nodejs20.x");
        assertThat(listed.exitCode()).as(listed.stderr()).isZero();
        assertThat(new ObjectMapper().readTree(listed.stdout()).get("Layers").findValuesAsText("LayerName")).contains("cli-layer");

        AwsCli.Result missing = cli.run("lambda", "get-layer-version", "--layer-name", "cli-layer", "--version-number", "2");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("(ResourceNotFoundException)").contains("The resource you requested does not exist.");
    }

    @Test
    void aPythonFunctionImportsAModuleOnlyItsLayerHas() {
        String layer = publish(lambda, "py-runtime-lib", pythonLayer("mylib", "def greet(name):\n    return 'hello ' + name\n"))
                .layerVersionArn();
        lambda.createFunction(pythonFunction("py-with-layer",
                pythonZip("import mylib\ndef handler(event, context):\n    return mylib.greet('layer')\n")).layers(layer).build());
        assertThat(lambda.invoke(b -> b.functionName("py-with-layer")).payload().asUtf8String()).isEqualTo("\"hello layer\"");
    }

    @Test
    void aNodeFunctionRequiresAModuleOnlyItsLayerHas() {
        String layer = publish(lambda, "node-runtime-lib", zip(Map.of("nodejs/node_modules/mylib/index.js",
                "exports.greet = (name) => 'hello ' + name;\n"))).layerVersionArn();
        lambda.createFunction(b -> b.functionName("node-with-layer").runtime(Runtime.NODEJS20_X).handler("index.handler")
                .role(HearthTestServer.ROLE).layers(layer).code(c -> c.zipFile(SdkBytes.fromByteArray(zip(Map.of("index.js",
                        "const mylib = require('mylib');\nexports.handler = async () => mylib.greet('node');\n"))))));
        assertThat(lambda.invoke(b -> b.functionName("node-with-layer")).payload().asUtf8String()).isEqualTo("\"hello node\"");
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    private static byte[] download(String location) throws Exception {
        assertThat(location).startsWith(hearth.endpoint() + "/");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
