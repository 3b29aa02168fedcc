package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.EphemeralStorage;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

/** Every management operation through the AWS SDK for Java v2 against a real server. */
final class TestManagementApi {
    private static final String ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:";
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
    void createdFunctionReportsLambdasFields() throws Exception {
        byte[] zip = pythonZip("def handler(e, c):\n    return e\n");
        CreateFunctionResponse created = lambda.createFunction(pythonFunction("fields", zip)
                .description("first").memorySize(256).timeout(10)
                .environment(Environment.builder().variables(Map.of("GREETING", "hi")).build())
                .ephemeralStorage(EphemeralStorage.builder().size(1024).build())
                .tags(Map.of("team", "core")).build());

        assertThat(created.functionArn()).isEqualTo(ARN_PREFIX + "fields");
        assertThat(created.version()).isEqualTo("$LATEST");
        assertThat(created.codeSha256()).isEqualTo(Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
        assertThat(created.codeSize()).isEqualTo(zip.length);
        assertThat(created.runtime()).isEqualTo(Runtime.PYTHON3_12);
        assertThat(created.handler()).isEqualTo("app.handler");
        assertThat(created.memorySize()).isEqualTo(256);
        assertThat(created.timeout()).isEqualTo(10);
        assertThat(created.description()).isEqualTo("first");
        assertThat(created.environment().variables()).containsEntry("GREETING", "hi");
        assertThat(created.ephemeralStorage().size()).isEqualTo(1024);
        assertThat(created.revisionId()).isNotBlank();
        // as Lambda answers a function being created; it is Active (at another RevisionId) once read
        assertThat(created.stateAsString()).isEqualTo("Pending");
        assertThat(created.stateReasonCodeAsString()).isEqualTo("Creating");
        assertThat(created.lastUpdateStatus()).isNull();
        assertThat(OffsetDateTime.parse(created.lastModified(), DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")))
                .isNotNull();

        String revision = lambda.getFunctionConfiguration(r -> r.functionName("fields")).revisionId();
        assertThat(revision).isNotEqualTo(created.revisionId());
        for (String reference : List.of("fields", "000000000000:function:fields", ARN_PREFIX + "fields")) {
            var read = lambda.getFunctionConfiguration(r -> r.functionName(reference));
            assertThat(read.codeSha256()).isEqualTo(created.codeSha256());
            assertThat(read.revisionId()).isEqualTo(revision);
            assertThat(read.stateAsString()).isEqualTo("Active");
            assertThat(read.lastUpdateStatusAsString()).isEqualTo("Successful");
        }
        GetFunctionResponse function = lambda.getFunction(r -> r.functionName("fields"));
        assertThat(function.tags()).containsEntry("team", "core");
        assertThat(function.code().repositoryType()).isEqualTo("S3");
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(function.code().location())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(zip);
        HttpResponse<byte[]> forged = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(function.code().location().replaceAll("Signature=[^&]+", "Signature=forged"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void listFunctionsPagesWithMarkerAndAcceptsBothPaths() throws Exception {
        for (int i = 0; i < 5; i++) {
            lambda.createFunction(pythonFunction("page-" + i, pythonZip("def handler(e, c):\n    return " + i + "\n")).build());
        }
        List<String> names = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String current = marker;
            ListFunctionsResponse page = lambda.listFunctions(r -> r.maxItems(2).marker(current));
            page.functions().forEach(f -> names.add(f.functionName()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertThat(names.stream().filter(n -> n.startsWith("page-"))).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4");
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(names).doesNotHaveDuplicates();

        for (String path : List.of("/2015-03-31/functions", "/2015-03-31/functions/")) {
            HttpResponse<String> raw = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.endpoint() + path + "?MaxItems=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.body()).contains("\"Functions\"").contains("\"NextMarker\"");
        }
    }

    @Test
    void updateFunctionConfigurationChangesEveryFieldAndChecksRevision() {
        lambda.createFunction(pythonFunction("configured", pythonZip("def handler(e, c):\n    return 1\n")).build());
        String before = lambda.getFunctionConfiguration(r -> r.functionName("configured")).revisionId();
        UpdateFunctionConfigurationResponse updated = lambda.updateFunctionConfiguration(r -> r.functionName("configured")
                .handler("app.other").runtime(Runtime.NODEJS22_X).memorySize(512).timeout(30).description("changed")
                .environment(Environment.builder().variables(Map.of("AB", "1")).build())
                .ephemeralStorage(EphemeralStorage.builder().size(2048).build()).revisionId(before));
        assertThat(updated.handler()).isEqualTo("app.other");
        assertThat(updated.runtime()).isEqualTo(Runtime.NODEJS22_X);
        assertThat(updated.memorySize()).isEqualTo(512);
        assertThat(updated.timeout()).isEqualTo(30);
        assertThat(updated.description()).isEqualTo("changed");
        assertThat(updated.environment().variables()).containsExactly(Map.entry("AB", "1"));
        assertThat(updated.ephemeralStorage().size()).isEqualTo(2048);
        assertThat(updated.revisionId()).isNotEqualTo(before);

        PreconditionFailedException stale = catchThrowableOfType(PreconditionFailedException.class,
                () -> lambda.updateFunctionConfiguration(r -> r.functionName("configured").timeout(5).revisionId(before)));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("configured")).timeout()).isEqualTo(30);
    }

    @Test
    void publishedVersionsAreImmutableSnapshots() {
        byte[] v1 = pythonZip("def handler(e, c):\n    return 1\n");
        byte[] v2 = pythonZip("def handler(e, c):\n    return 2\n");
        CreateFunctionResponse created = lambda.createFunction(pythonFunction("versioned", v1).publish(true).build());
        assertThat(created.version()).isEqualTo("1");
        // Lambda answers Publish on create with version 1's configuration under the unqualified ARN
        assertThat(created.functionArn()).isEqualTo(ARN_PREFIX + "versioned");

        PublishVersionResponse same = lambda.publishVersion(r -> r.functionName("versioned"));
        assertThat(same.version()).as("nothing changed since version 1").isEqualTo("1");

        var updated = lambda.updateFunctionCode(r -> r.functionName("versioned")
                .zipFile(SdkBytes.fromByteArray(v2)).publish(true));
        assertThat(updated.version()).isEqualTo("2");
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("versioned").qualifier("1")).codeSha256())
                .isEqualTo(created.codeSha256());
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("versioned:2")).codeSha256())
                .isEqualTo(updated.codeSha256()).isNotEqualTo(created.codeSha256());

        assertThatThrownBy(() -> lambda.publishVersion(r -> r.functionName("versioned").codeSha256(created.codeSha256())))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("CodeSHA256");
        assertThatThrownBy(() -> lambda.publishVersion(r -> r.functionName("versioned").revisionId("stale")))
                .isInstanceOf(PreconditionFailedException.class);

        assertThat(lambda.listVersionsByFunction(r -> r.functionName("versioned")).versions())
                .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1", "2");
        assertThat(lambda.listVersionsByFunction(r -> r.functionName("versioned").maxItems(2)).nextMarker()).isNotNull();
    }

    @Test
    void deleteFunctionRemovesOneVersionOrTheWholeFunction() {
        lambda.createFunction(pythonFunction("deleted", pythonZip("def handler(e, c):\n    return 1\n")).publish(true).build());
        lambda.updateFunctionCode(r -> r.functionName("deleted")
                .zipFile(SdkBytes.fromByteArray(pythonZip("def handler(e, c):\n    return 2\n"))).publish(true));
        lambda.createAlias(r -> r.functionName("deleted").name("live").functionVersion("2"));

        assertThatThrownBy(() -> lambda.deleteFunction(r -> r.functionName("deleted").qualifier("$LATEST")))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> lambda.deleteFunction(r -> r.functionName("deleted").qualifier("2")))
                .isInstanceOf(ResourceConflictException.class).hasMessageContaining("live");
        lambda.deleteFunction(r -> r.functionName("deleted").qualifier("1"));
        assertThat(lambda.listVersionsByFunction(r -> r.functionName("deleted")).versions())
                .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "2");

        lambda.deleteFunction(r -> r.functionName(ARN_PREFIX + "deleted"));
        assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("deleted")))
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(e -> assertThat(((LambdaException) e).statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> lambda.deleteFunction(r -> r.functionName("deleted")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aliasesWithWeightedRouting() {
        lambda.createFunction(pythonFunction("aliased", pythonZip("def handler(e, c):\n    return 1\n")).publish(true).build());
        lambda.updateFunctionCode(r -> r.functionName("aliased")
                .zipFile(SdkBytes.fromByteArray(pythonZip("def handler(e, c):\n    return 2\n"))).publish(true));

        var live = lambda.createAlias(r -> r.functionName("aliased").name("live").functionVersion("1")
                .description("production")
                .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 0.25)).build()));
        assertThat(live.aliasArn()).isEqualTo(ARN_PREFIX + "aliased:live");
        assertThat(live.routingConfig().additionalVersionWeights()).containsEntry("2", 0.25);
        assertThat(lambda.getAlias(r -> r.functionName("aliased").name("live")).functionVersion()).isEqualTo("1");
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("aliased:live")).version()).isEqualTo("1");

        assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("aliased").name("live").functionVersion("2")))
                .isInstanceOf(ResourceConflictException.class);
        assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("aliased").name("ghost").functionVersion("9")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("aliased").name("heavy").functionVersion("1")
                .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 1.5)).build())))
                .isInstanceOf(LambdaException.class).satisfies(e -> assertThat(((LambdaException) e).statusCode()).isEqualTo(400));

        var moved = lambda.updateAlias(r -> r.functionName("aliased").name("live").functionVersion("2")
                .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of()).build())
                .revisionId(live.revisionId()));
        assertThat(moved.functionVersion()).isEqualTo("2");
        assertThatThrownBy(() -> lambda.updateAlias(r -> r.functionName("aliased").name("live").revisionId(live.revisionId())))
                .isInstanceOf(PreconditionFailedException.class);

        lambda.createAlias(r -> r.functionName("aliased").name("beta").functionVersion("$LATEST"));
        assertThat(lambda.listAliases(r -> r.functionName("aliased")).aliases()).extracting(AliasConfiguration::name)
                .containsExactly("beta", "live");
        assertThat(lambda.listAliases(r -> r.functionName("aliased").functionVersion("2")).aliases())
                .extracting(AliasConfiguration::name).containsExactly("live");
        lambda.deleteAlias(r -> r.functionName("aliased").name("beta"));
        assertThatThrownBy(() -> lambda.getAlias(r -> r.functionName("aliased").name("beta")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void tagsAreAddedListedAndRemoved() {
        lambda.createFunction(pythonFunction("tagged", pythonZip("def handler(e, c):\n    return 1\n")).tags(Map.of("a", "1")).build());
        String arn = ARN_PREFIX + "tagged";
        lambda.tagResource(r -> r.resource(arn).tags(Map.of("b", "2", "c", "3")));
        assertThat(lambda.listTags(r -> r.resource(arn)).tags()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"));
        lambda.untagResource(r -> r.resource(arn).tagKeys("a", "c"));
        assertThat(lambda.listTags(r -> r.resource(arn)).tags()).containsOnly(Map.entry("b", "2"));
        assertThatThrownBy(() -> lambda.listTags(r -> r.resource(ARN_PREFIX + "untagged-ghost")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void accountSettingsReportUsage() {
        lambda.createFunction(pythonFunction("counted", pythonZip("def handler(e, c):\n    return 1\n")).build());
        var settings = lambda.getAccountSettings(r -> {});
        assertThat(settings.accountUsage().functionCount()).isPositive();
        assertThat(settings.accountUsage().totalCodeSize()).isPositive();
        assertThat(settings.accountLimit().codeSizeZipped()).isEqualTo(52_428_800L);
        assertThat(settings.accountLimit().codeSizeUnzipped()).isEqualTo(262_144_000L);
        assertThat(settings.accountLimit().concurrentExecutions()).isEqualTo(1000);
    }

    @Test
    void invalidRequestsGetLambdasErrorsAndChangeNothing() {
        byte[] zip = pythonZip("def handler(e, c):\n    return 1\n");
        lambda.createFunction(pythonFunction("exists", zip).build());
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("exists", zip).build()))
                .isInstanceOf(ResourceConflictException.class)
                .satisfies(e -> assertThat(((LambdaException) e).statusCode()).isEqualTo(409));

        Map<String, Runnable> invalid = Map.of(
                "bad name", () -> lambda.createFunction(pythonFunction("bad name!", zip).build()),
                "too long name", () -> lambda.createFunction(pythonFunction("x".repeat(65), zip).build()),
                "memory 64", () -> lambda.createFunction(pythonFunction("m", zip).memorySize(64).build()),
                "memory 10241", () -> lambda.createFunction(pythonFunction("m", zip).memorySize(10_241).build()),
                "timeout 901", () -> lambda.createFunction(pythonFunction("t", zip).timeout(901).build()),
                "unknown runtime", () -> lambda.createFunction(pythonFunction("r", zip).runtime("cobol85").build()),
                "bad handler", () -> lambda.createFunction(pythonFunction("h", zip).handler("app handler").build()),
                "env over 4 KB", () -> lambda.createFunction(pythonFunction("e", zip)
                        .environment(Environment.builder().variables(Map.of("BIG", "x".repeat(4100))).build()).build()),
                "reserved env key", () -> lambda.createFunction(pythonFunction("e", zip)
                        .environment(Environment.builder().variables(Map.of("AWS_REGION", "x")).build()).build()),
                "S3 code", () -> lambda.createFunction(pythonFunction("s", zip)
                        .code(FunctionCode.builder().s3Bucket("bucket").s3Key("key.zip").build()).build()));
        // constraints of Lambda's model are ValidationExceptions, its own rules InvalidParameterValueExceptions
        Set<String> modelConstraints = Set.of("bad name", "memory 64", "timeout 901", "bad handler");
        invalid.forEach((what, call) -> assertThatThrownBy(call::run).as(what)
                .isInstanceOf(LambdaException.class)
                .satisfies(e -> {
                    LambdaException error = (LambdaException) e;
                    assertThat(error.statusCode()).as(what).isEqualTo(400);
                    assertThat(error.awsErrorDetails().errorCode()).as(what).isEqualTo(
                            modelConstraints.contains(what) ? "ValidationException" : "InvalidParameterValueException");
                    assertThat(error.awsErrorDetails().errorMessage()).as(what).isNotBlank();
                }));
        assertThat(lambda.listFunctions().functions()).extracting(FunctionConfiguration::functionName)
                .doesNotContain("m", "t", "r", "h", "e", "s");
    }

    @Test
    void untrustedPackagesAreRejectedWithoutTrace() throws Exception {
        byte[] corrupt = "PK\u0003\u0004 this is not really a zip".getBytes();
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("corrupt", corrupt).build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("unzip");
        byte[] slip = HearthTestServer.zip(Map.of("../../escape.py", "x = 1\n"));
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("slip", slip).build()))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("corrupt"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("slip"))).isInstanceOf(ResourceNotFoundException.class);
        try (var files = java.nio.file.Files.walk(server.dataDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("escape.py");
        }

        lambda.createFunction(pythonFunction("update-target", pythonZip("def handler(e, c):\n    return 1\n")).build());
        String sha = lambda.getFunctionConfiguration(r -> r.functionName("update-target")).codeSha256();
        assertThatThrownBy(() -> lambda.updateFunctionCode(r -> r.functionName("update-target").zipFile(SdkBytes.fromByteArray(corrupt))))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("update-target")).codeSha256()).isEqualTo(sha);
    }

    @Test
    void oversizedRequestIsRefusedWith413() throws Exception {
        byte[] body = new byte[70_167_212];
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/2015-03-31/functions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("RequestEntityTooLargeException");
        assertThat(response.body()).contains("Request must be smaller than 70167211 bytes for the CreateFunction operation");
    }

    @Test
    void malformedJsonAndUnknownPathsAreLambdaErrors() throws Exception {
        HttpResponse<String> malformed = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/2015-03-31/functions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("x-amzn-ErrorType")).contains("InvalidRequestContentException");
        assertThat(malformed.headers().firstValue("x-amzn-RequestId")).isPresent();

        HttpResponse<String> unknown = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/2015-03-31/nothing-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).contains("UnknownOperationException");
    }
}
