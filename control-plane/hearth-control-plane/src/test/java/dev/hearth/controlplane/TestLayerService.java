package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.controlplane.api.AddLayerVersionPermissionInput;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.FunctionConfigurationOutput;
import dev.hearth.controlplane.api.Layer;
import dev.hearth.controlplane.api.LayerVersionContentInput;
import dev.hearth.controlplane.api.LayerVersionOutput;
import dev.hearth.controlplane.api.LayerVersionsListItem;
import dev.hearth.controlplane.api.LayersListItem;
import dev.hearth.controlplane.api.PublishLayerVersionInput;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionConfigurationInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Layers in the control plane: PublishLayerVersion and the other layer operations with Lambda's
 * numbering, shapes and errors, layer-version permissions, and functions' {@code Layers} (limits,
 * the combined size, cross-account use through a layer-version policy). Real SQLite stores and
 * package stores; the other account is a second control plane of its own.
 */
final class TestLayerService {
    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final AccountContext OTHER = new AccountContext("us-east-1", "111111111111");
    private static final Function<String, String> LOCATION = sha -> "https://hearth.test/code/" + sha;
    /** Small enough that two 600-byte files exceed it, so the combined limit can be shown cheaply. */
    private static final long MAX_UNZIPPED = 1_000;

    private final List<AutoCloseable> open = new ArrayList<>();
    private PackageStore packages;
    private FunctionService functions;
    private LayerService layers;
    private LayerService otherLayers;

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createTempDirectory("layers");
        packages = own(PackageStore.open(dir.resolve("packages"), PackageLimits.defaults().withMaxUnzippedBytes(MAX_UNZIPPED)));
        functions = new FunctionService(own(SqliteFunctionStore.open(dir.resolve("functions.db"))), packages,
                AccountContext.DEFAULT, "python3.12"::equals, ControlPlaneLimits.LAMBDA_DEFAULTS, Clock.systemUTC());
        layers = functions.layers();
        otherLayers = new FunctionService(own(SqliteFunctionStore.open(dir.resolve("other.db"))), packages, OTHER,
                "python3.12"::equals, ControlPlaneLimits.LAMBDA_DEFAULTS, Clock.systemUTC()).layers();
        layers.useDirectory((account, region) -> account.equals(OTHER.accountId()) && region.equals(OTHER.region())
                ? Optional.of(otherLayers) : Optional.empty());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void versionsAreNumberedFromOneAndNeverReusedAfterDeletion() {
        LayerVersionOutput first = publish(layers, "lib", List.of("python3.12"), List.of("x86_64"), "mylib");
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.layerArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:layer:lib");
        assertThat(first.layerVersionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:layer:lib:1");
        assertThat(first.content().location()).isEqualTo(LOCATION.apply(first.content().codeSha256()));
        assertThat(first.content().codeSize()).isPositive();
        assertThat(first.description()).isEmpty();
        assertThat(first.createdDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
        assertThat(publish(layers, "lib", null, null, "v2").version()).isEqualTo(2);

        layers.deleteLayerVersion("lib", 1);
        layers.deleteLayerVersion("lib", 2);
        layers.deleteLayerVersion("lib", 2); // as on Lambda, deleting what is gone succeeds
        layers.deleteLayerVersion("never-published", 1);
        assertThat(layers.listLayerVersions("lib", Optional.empty(), Optional.empty(), null, Optional.empty()).layerVersions())
                .isEmpty();
        assertThat(publish(layers, "lib", null, null, "v3").version()).isEqualTo(3);
        assertError(() -> layers.getLayerVersion("lib", 1, LOCATION), LambdaErrorType.ResourceNotFoundException,
                "The resource you requested does not exist.");
        assertError(() -> layers.getLayerVersion("lib", 0, LOCATION), LambdaErrorType.InvalidParameterValueException,
                "Layer Version Cannot be less than 1");
    }

    @Test
    void listsShowNewestFirstAndTheLatestMatchingVersionOfEachLayer() {
        publish(layers, "b-lib", List.of("python3.12"), List.of("x86_64"), "1");
        publish(layers, "b-lib", List.of("nodejs20.x"), List.of("arm64"), "2");
        publish(layers, "a-lib", null, null, "3");

        assertThat(layers.listLayerVersions("b-lib", Optional.empty(), Optional.empty(), null, Optional.empty()).layerVersions())
                .extracting(LayerVersionsListItem::version).containsExactly(2L, 1L);
        var page = layers.listLayerVersions("b-lib", Optional.empty(), Optional.empty(), 1, Optional.empty());
        assertThat(page.layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(2L);
        assertThat(layers.listLayerVersions("b-lib", Optional.empty(), Optional.of(page.nextMarker()), 1, Optional.empty())
                .layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(1L);

        assertThat(layers.listLayers(Optional.empty(), Optional.empty(), null, Optional.empty()).layers())
                .extracting(LayersListItem::layerName, l -> l.latestMatchingVersion().version())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a-lib", 1L), org.assertj.core.groups.Tuple.tuple("b-lib", 2L));
        assertThat(layers.listLayers(Optional.of("python3.12"), Optional.empty(), null, Optional.empty()).layers())
                .extracting(LayersListItem::layerName, l -> l.latestMatchingVersion().version())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b-lib", 1L));
        assertThat(layers.listLayers(Optional.empty(), Optional.empty(), null, Optional.of("arm64")).layers())
                .extracting(l -> l.latestMatchingVersion().layerVersionArn())
                .containsExactly("arn:aws:lambda:us-east-1:000000000000:layer:b-lib:2");
        var first = layers.listLayers(Optional.empty(), Optional.empty(), 1, Optional.empty());
        assertThat(first.layers()).extracting(LayersListItem::layerName).containsExactly("a-lib");
        assertThat(layers.listLayers(Optional.empty(), Optional.of(first.nextMarker()), 1, Optional.empty()).layers())
                .extracting(LayersListItem::layerName).containsExactly("b-lib");
    }

    @Test
    void requestsBreakingTheModelsConstraintsAreValidationExceptions() {
        assertError(() -> publish(layers, "lib", List.of("invalidruntime"), List.of("invalidarch"), "x"),
                LambdaErrorType.ValidationException, "2 validation errors detected: Value '[invalidruntime]' at 'compatibleRuntimes'"
                        + " failed to satisfy constraint: Member must satisfy enum value set: [" + String.join(", ",
                        LayerService.PUBLISHABLE_RUNTIMES) + "]; Value '[invalidarch]' at 'compatibleArchitectures' failed to"
                        + " satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64],"
                        + " Member must not be null]");
        assertError(() -> layers.listLayers(Optional.empty(), Optional.empty(), null, Optional.of("archdoesnotexist")),
                LambdaErrorType.ValidationException, "1 validation error detected: Value 'archdoesnotexist' at"
                        + " 'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum value set: [x86_64, arm64]");
        assertError(() -> layers.getLayerVersionByArn("arn:aws:lambda:us-east-1:000000000000:layer:lib", LOCATION),
                LambdaErrorType.ValidationException, "1 validation error detected: Value 'arn:aws:lambda:us-east-1:000000000000:"
                        + "layer:lib' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + LayerService.LAYER_VERSION_ARN_PATTERN);
        assertThat(packages.codeSha256s()).isEmpty();
    }

    @Test
    void permissionsMakeAPolicyWithItsOwnRevision() throws IOException {
        publish(layers, "lib", null, null, "1");
        String versionArn = "arn:aws:lambda:us-east-1:000000000000:layer:lib:1";
        assertError(() -> layers.getLayerVersionPolicy("lib", 1), LambdaErrorType.ResourceNotFoundException,
                "No policy is associated with the given resource.");
        var added = layers.addLayerVersionPermission("lib", 1,
                new AddLayerVersionPermissionInput("everyone", "lambda:GetLayerVersion", "*", null), Optional.empty());
        JsonNode statement = new ObjectMapper().readTree(added.statement());
        assertThat(statement.toString()).isEqualTo("{\"Sid\":\"everyone\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"lambda:GetLayerVersion\",\"Resource\":\"" + versionArn + "\"}");
        assertError(() -> layers.addLayerVersionPermission("lib", 1,
                new AddLayerVersionPermissionInput("account", "lambda:GetLayerVersion", "111111111111", null), Optional.of("stale")),
                LambdaErrorType.PreconditionFailedException, "The Revision Id provided does not match the latest Revision Id."
                        + " Call the GetLayerPolicy API to retrieve the latest Revision Id");
        var second = layers.addLayerVersionPermission("lib", 1,
                new AddLayerVersionPermissionInput("account", "lambda:GetLayerVersion", "111111111111", null),
                Optional.of(added.revisionId()));
        assertThat(second.revisionId()).isNotEqualTo(added.revisionId());
        assertError(() -> layers.addLayerVersionPermission("lib", 1,
                new AddLayerVersionPermissionInput("account", "lambda:GetLayerVersion", "*", null), Optional.empty()),
                LambdaErrorType.ResourceConflictException, "The statement id (account) provided already exists. Please provide a"
                        + " new statement id, or remove the existing statement.");
        assertError(() -> layers.addLayerVersionPermission("lib", 1,
                new AddLayerVersionPermissionInput("bad", "*", "*", null), Optional.empty()),
                LambdaErrorType.ValidationException, "1 validation error detected: Value '*' at 'action' failed to satisfy"
                        + " constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion");

        var policy = layers.getLayerVersionPolicy("lib", 1);
        assertThat(policy.revisionId()).isEqualTo(second.revisionId());
        assertThat(new ObjectMapper().readTree(policy.policy()).toString()).isEqualTo("{\"Version\":\"2012-10-17\",\"Id\":\"default\","
                + "\"Statement\":[" + statement + ",{\"Sid\":\"account\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::111111111111:root\"},\"Action\":\"lambda:GetLayerVersion\",\"Resource\":\"" + versionArn + "\"}]}");

        assertError(() -> layers.removeLayerVersionPermission("lib", 1, "absent", Optional.empty()),
                LambdaErrorType.ResourceNotFoundException, "Statement absent is not found in resource policy.");
        layers.removeLayerVersionPermission("lib", 1, "everyone", Optional.of(second.revisionId()));
        assertThat(layers.getLayerVersionPolicy("lib", 1).revisionId()).isNotEqualTo(second.revisionId());
        assertError(() -> layers.getLayerVersionPolicy("lib", 2), LambdaErrorType.ResourceNotFoundException,
                "Layer version arn:aws:lambda:us-east-1:000000000000:layer:lib:2 does not exist.");
    }

    @Test
    void functionsListTheirLayersKeepThemInPublishedVersionsAndAfterTheLayerIsDeleted() {
        LayerVersionOutput lib = publish(layers, "lib", null, null, "lib");
        LayerVersionOutput tools = publish(layers, "tools", null, null, "tools");
        FunctionConfigurationOutput created = functions.createFunction(create("f", List.of(tools.layerVersionArn(), lib.layerVersionArn())));
        assertThat(created.layers()).containsExactly(new Layer(tools.layerVersionArn(), tools.content().codeSize()),
                new Layer(lib.layerVersionArn(), lib.content().codeSize()));

        FunctionConfigurationOutput published = functions.publishVersion(ref("f"), new PublishVersionInput(null, null, null));
        String revisionBefore = functions.getFunctionConfiguration(ref("f")).revisionId();
        FunctionConfigurationOutput updated = functions.updateFunctionConfiguration(ref("f"), new UpdateFunctionConfigurationInput(
                null, null, null, null, null, null, null, null, null, null, null, List.of(lib.layerVersionArn())));
        assertThat(updated.layers()).extracting(Layer::arn).containsExactly(lib.layerVersionArn());
        assertThat(functions.getFunctionConfiguration(ref("f")).revisionId()).isNotEqualTo(revisionBefore);

        layers.deleteLayerVersion("lib", 1);
        assertThat(functions.getFunctionConfiguration(ref("f")).layers()).extracting(Layer::arn).containsExactly(lib.layerVersionArn());
        assertThat(functions.getFunctionConfiguration(FunctionRef.parse("f", Optional.of(published.version()), AccountContext.DEFAULT,
                FunctionNameMember.FUNCTION_NAME)).layers()).hasSize(2);
        assertThat(functions.referencedCode()).contains(lib.content().codeSha256(), tools.content().codeSha256());

        FunctionConfigurationOutput cleared = functions.updateFunctionConfiguration(ref("f"), new UpdateFunctionConfigurationInput(
                null, null, null, null, null, null, null, null, null, null, null, List.of()));
        assertThat(cleared.layers()).isNull();
    }

    @Test
    void aFunctionsLayersAreCheckedAsLambdaChecksThem() {
        LayerVersionOutput one = publish(layers, "lib", null, null, "1");
        LayerVersionOutput two = publish(layers, "lib", null, null, "2");
        List<String> six = IntStream.range(0, 6).mapToObj(i -> publish(layers, "l" + i, null, null, "x").layerVersionArn()).toList();
        assertError(() -> functions.createFunction(create("f", six)), LambdaErrorType.InvalidParameterValueException,
                "Cannot reference more than 5 layers.");
        assertError(() -> functions.createFunction(create("f", List.of("arn:aws:lambda:us-east-1:000000000000:layer:lib:9"))),
                LambdaErrorType.InvalidParameterValueException,
                "Layer version arn:aws:lambda:us-east-1:000000000000:layer:lib:9 does not exist.");
        assertError(() -> functions.createFunction(create("f", List.of("arn:aws:lambda:eu-west-1:000000000000:layer:lib:1"))),
                LambdaErrorType.InvalidParameterValueException,
                "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.");
        assertError(() -> functions.createFunction(create("f", List.of(one.layerVersionArn(), two.layerVersionArn()))),
                LambdaErrorType.InvalidParameterValueException, "Two different versions of the same layer are not allowed to be"
                        + " referenced in the same function. " + one.layerVersionArn() + " and " + two.layerVersionArn()
                        + " are versions of the same layer.");
        assertError(() -> functions.createFunction(create("f", List.of(one.layerArn()))), LambdaErrorType.ValidationException,
                "1 validation error detected: Value '[" + one.layerArn() + "]' at 'layers' failed to satisfy constraint: Member must"
                        + " satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater"
                        + " than or equal to 1, Member must satisfy regular expression pattern: "
                        + LayerService.LAYER_VERSION_ARN_PATTERN + ", Member must not be null]");
        assertThatThrownBy(() -> functions.getFunctionConfiguration(ref("f"))).isInstanceOf(LambdaException.class);
    }

    @Test
    void codeAndLayersTogetherMustFitTheUnzippedLimit() {
        LayerVersionOutput big = publishZip(layers, "big", zip("python/big.py", "#".repeat(600)));
        long functionSize = 70;
        String smallCode = "x".repeat((int) functionSize);
        functions.createFunction(create("fits", List.of(), zip("app.py", smallCode)));
        long total = functionSize + 600 + 600;
        LayerVersionOutput other = publishZip(layers, "other", zip("python/other.py", "$".repeat(600)));
        assertError(() -> functions.updateFunctionConfiguration(ref("fits"), new UpdateFunctionConfigurationInput(null, null, null,
                null, null, null, null, null, null, null, null, List.of(big.layerVersionArn(), other.layerVersionArn()))),
                LambdaErrorType.InvalidParameterValueException, "Function code combined with layers exceeds the maximum allowed size"
                        + " of " + MAX_UNZIPPED + " bytes. The actual size is " + total + " bytes.");
        functions.updateFunctionConfiguration(ref("fits"), new UpdateFunctionConfigurationInput(null, null, null, null, null, null,
                null, null, null, null, null, List.of(big.layerVersionArn())));
        assertError(() -> functions.updateFunctionCode(ref("fits"), new UpdateFunctionCodeInput(zip("app.py", "y".repeat(500)),
                null, null, null, null, null, null, null, null)), LambdaErrorType.InvalidParameterValueException,
                "Function code combined with layers exceeds the maximum allowed size of " + MAX_UNZIPPED
                        + " bytes. The actual size is " + (500 + 600) + " bytes.");
    }

    @Test
    void anotherAccountsLayerIsUsableOnlyWhereItsPolicyGrantsIt() {
        LayerVersionOutput shared = publish(otherLayers, "shared", null, null, "shared");
        assertThat(shared.layerVersionArn()).isEqualTo("arn:aws:lambda:us-east-1:111111111111:layer:shared:1");
        String denied = "User: arn:aws:iam::000000000000:root is not authorized to perform: lambda:GetLayerVersion on resource: "
                + shared.layerVersionArn() + " because no resource-based policy allows the lambda:GetLayerVersion action";
        assertError(() -> functions.createFunction(create("f", List.of(shared.layerVersionArn()))),
                LambdaErrorType.AccessDeniedException, denied);
        assertError(() -> layers.getLayerVersionByArn(shared.layerVersionArn(), LOCATION), LambdaErrorType.ResourceNotFoundException,
                "The resource you requested does not exist.");

        otherLayers.addLayerVersionPermission("shared", 1,
                new AddLayerVersionPermissionInput("org-only", "lambda:GetLayerVersion", "*", "o-abcdefghij"), Optional.empty());
        assertError(() -> functions.createFunction(create("f", List.of(shared.layerVersionArn()))),
                LambdaErrorType.AccessDeniedException, denied);
        otherLayers.addLayerVersionPermission("shared", 1,
                new AddLayerVersionPermissionInput("us", "lambda:GetLayerVersion", "000000000000", null), Optional.empty());
        assertThat(functions.createFunction(create("f", List.of(shared.layerVersionArn()))).layers())
                .containsExactly(new Layer(shared.layerVersionArn(), shared.content().codeSize()));
        assertThat(layers.getLayerVersionByArn(shared.layerVersionArn(), LOCATION).layerArn())
                .isEqualTo("arn:aws:lambda:us-east-1:111111111111:layer:shared");
    }

    private LayerVersionOutput publish(LayerService service, String name, List<String> runtimes, List<String> architectures,
            String content) {
        return service.publishLayerVersion(name, new PublishLayerVersionInput(null, new LayerVersionContentInput(
                zip("python/" + name + ".py", "VALUE = '" + content + "'\n"), null, null, null), runtimes, null, architectures), LOCATION);
    }

    private LayerVersionOutput publishZip(LayerService service, String name, byte[] zip) {
        return service.publishLayerVersion(name, new PublishLayerVersionInput(null, new LayerVersionContentInput(zip, null, null, null),
                null, null, null), LOCATION);
    }

    private static CreateFunctionInput create(String name, List<String> layerArns) {
        return create(name, layerArns, zip("app.py", "def handler(e, c):\n    return 1\n"));
    }

    private static CreateFunctionInput create(String name, List<String> layerArns, byte[] code) {
        return new CreateFunctionInput(name, "python3.12", ROLE, "app.handler", new FunctionCodeInput(code, null, null, null, null),
                null, null, null, null, null, null, null, null, null, null, null, null, layerArns);
    }

    private static FunctionRef ref(String name) {
        return FunctionRef.parse(name, Optional.empty(), AccountContext.DEFAULT, FunctionNameMember.FUNCTION_NAME);
    }

    private static void assertError(ThrowingCallable call, LambdaErrorType type, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private <T extends AutoCloseable> T own(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static byte[] zip(String entry, String content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
