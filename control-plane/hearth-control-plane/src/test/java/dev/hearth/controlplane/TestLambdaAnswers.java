package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.controlplane.api.AliasInput;
import dev.hearth.controlplane.api.AliasRoutingConfiguration;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.Environment;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.FunctionConfigurationOutput;
import dev.hearth.controlplane.api.GetFunctionOutput;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionConfigurationInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane answers as Lambda does: error types and messages word for word (Lambda's
 * service model for constraints, its recorded answers for the rest), and the fields of each answer.
 */
final class TestLambdaAnswers {
    private static final AccountContext ACCOUNT = AccountContext.DEFAULT;
    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final String OTHER_ROLE = "arn:aws:iam::000000000000:role/other";
    private static final Set<String> RUNTIMES = Set.of("python3.12", "nodejs22.x", "java21");

    private SqliteFunctionStore store;
    private PackageStore packages;
    private FunctionService functions;

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createTempDirectory("answers");
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults());
        functions = new FunctionService(store, packages, ACCOUNT, RUNTIMES::contains, ControlPlaneLimits.LAMBDA_DEFAULTS,
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        packages.close();
        store.close();
    }

    @Test
    void constraintViolationsAreOneValidationExceptionNamingEach() {
        assertError(() -> functions.createFunction(create("f", "python3.12", "r1", "app.handler", 64, 1000, null)),
                LambdaErrorType.ValidationException, "3 validation errors detected: "
                        + "Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+; "
                        + "Value '1000' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900; "
                        + "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128");
        assertError(() -> functions.createFunction(new CreateFunctionInput("f", "python3.12", ROLE, "app.handler", code(), null, null,
                        null, null, null, null, null, List.of("x86_64", "arm64"), null, null, null)),
                LambdaErrorType.ValidationException, "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' "
                        + "failed to satisfy constraint: Member must have length less than or equal to 1");
        assertError(() -> functions.createFunction(new CreateFunctionInput(null, "python3.12", null, "app.handler", code(), null, null,
                        null, null, null, null, null, null, null, null, null)),
                LambdaErrorType.ValidationException, "2 validation errors detected: "
                        + "Value null at 'functionName' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'role' failed to satisfy constraint: Member must not be null");
        assertThat(functions.listFunctions(Optional.empty(), Optional.empty(), Optional.empty(), null).functions()).isEmpty();
    }

    @Test
    void handlerWithNulOrControlCharacterIsRefused() {
        for (String handler : List.of("app.\u0000handler", "app.handler\u0007", "app handler")) {
            assertError(() -> functions.createFunction(create("f", "python3.12", ROLE, handler, null, null, null)),
                    LambdaErrorType.ValidationException, "1 validation error detected: Value '" + handler + "' at 'handler' failed to"
                            + " satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+");
        }
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        assertError(() -> functions.updateFunctionConfiguration(ref("f"), new UpdateFunctionConfigurationInput(null, "\u0000",
                        null, null, null, null, null, null, null, null, null)),
                LambdaErrorType.ValidationException, "1 validation error detected: Value '\u0000' at 'handler' failed to"
                        + " satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+");
        assertThat(functions.getFunctionConfiguration(ref("f")).handler()).isEqualTo("app.handler");
    }

    @Test
    void environmentWithNulInANameOrValueIsRefused() {
        assertError(() -> functions.createFunction(new CreateFunctionInput("f", "python3.12", ROLE, "app.handler", code(), null, null,
                        null, null, null, new Environment(Map.of("A\u0000B", "1")), null, null, null, null, null)),
                LambdaErrorType.ValidationException, "1 validation error detected: Value at 'environment.variables' failed to satisfy"
                        + " constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern:"
                        + " [a-zA-Z]([a-zA-Z0-9_])+]");
        assertError(() -> functions.createFunction(new CreateFunctionInput("f", "python3.12", ROLE, "app.handler", code(), null, null,
                        null, null, null, new Environment(Map.of("AB", "x\u0000y", "CD", "ok\nnewline")), null, null, null, null, null)),
                LambdaErrorType.InvalidParameterValueException, "Lambda was unable to configure your environment variables because"
                        + " the environment variables you have provided contain the null character, which is not supported."
                        + " Keys whose values contain it: AB");
        assertThat(functions.listFunctions(Optional.empty(), Optional.empty(), Optional.empty(), null).functions()).isEmpty();
    }

    @Test
    void runtimesLambdaNoLongerAcceptsAndUnknownOnesGetLambdasWords() {
        for (String deprecated : List.of("python2.7", "python3.6", "nodejs12.x", "go1.x", "provided")) {
            assertError(() -> functions.createFunction(create("f", deprecated, ROLE, "app.handler", null, null, null)),
                    LambdaErrorType.InvalidParameterValueException, "The runtime parameter of " + deprecated
                            + " is no longer supported for creating or updating AWS Lambda functions. We recommend you use a"
                            + " supported runtime while creating or updating functions.");
        }
        assertError(() -> functions.createFunction(create("f", "PYTHON3.12", ROLE, "app.handler", null, null, null)),
                LambdaErrorType.InvalidParameterValueException, "Value PYTHON3.12 at 'runtime' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: " + ConfigurationRules.LAMBDA_RUNTIMES + " or be a valid ARN");
        assertError(() -> functions.createFunction(create("f", null, ROLE, "app.handler", null, null, null)),
                LambdaErrorType.InvalidParameterValueException,
                "Runtime and Handler are mandatory parameters for functions created with deployment packages.");

        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        assertError(() -> functions.updateFunctionConfiguration(ref("f"), update(null, "nodejs14.x", null)),
                LambdaErrorType.InvalidParameterValueException, "The runtime parameter of nodejs14.x is no longer supported for"
                        + " creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or"
                        + " updating functions.");
    }

    @Test
    void memoryPastLambdasLimitIsASemanticRefusal() {
        assertError(() -> functions.createFunction(create("f", "python3.12", ROLE, "app.handler", 20_000, null, null)),
                LambdaErrorType.InvalidParameterValueException,
                "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240");
        assertError(() -> functions.createFunction(create("f", "python3.12", ROLE, "app.handler", 40_000, null, null)),
                LambdaErrorType.ValidationException, "1 validation error detected: Value '40000' at 'memorySize' failed to satisfy"
                        + " constraint: Member must have value less than or equal to 32768");
    }

    @Test
    void aCreatedFunctionIsPendingInTheAnswerAndActiveAfterwards() {
        FunctionConfigurationOutput created = functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        assertThat(created.state()).isEqualTo("Pending");
        assertThat(created.stateReason()).isEqualTo("The function is being created.");
        assertThat(created.stateReasonCode()).isEqualTo("Creating");
        assertThat(created.lastUpdateStatus()).isNull();
        assertThat(created.environment()).as("a function without variables has no Environment").isNull();
        assertThat(created.runtimeVersionConfig().runtimeVersionArn()).matches("arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}");

        GetFunctionOutput read = functions.getFunction(ref("f"), v -> "http://code");
        FunctionConfigurationOutput now = read.configuration();
        assertThat(now.state()).isEqualTo("Active");
        assertThat(now.stateReason()).isNull();
        assertThat(now.stateReasonCode()).isNull();
        assertThat(now.lastUpdateStatus()).isEqualTo("Successful");
        assertThat(now.revisionId()).as("Lambda's RevisionId changes once the function is ready").isNotEqualTo(created.revisionId());
        assertThat(now.runtimeVersionConfig()).isEqualTo(created.runtimeVersionConfig());
        assertThat(read.tags()).as("no Tags when there are none").isNull();

        // the answer's revision is not the function's: a precondition on it fails, as on Lambda
        assertError(() -> functions.updateFunctionConfiguration(ref("f"), update("x", null, created.revisionId())),
                LambdaErrorType.PreconditionFailedException, "The Revision Id provided does not match the latest Revision Id."
                        + " Call the GetFunction/GetAlias API to retrieve the latest Revision Id");

        FunctionConfigurationOutput updated = functions.updateFunctionConfiguration(ref("f"), update("changed", null, now.revisionId()));
        assertThat(updated.state()).isEqualTo("Active");
        assertThat(updated.lastUpdateStatus()).isEqualTo("InProgress");
        assertThat(updated.lastUpdateStatusReason()).isEqualTo("The function is being created.");
        assertThat(updated.lastUpdateStatusReasonCode()).isEqualTo("Creating");
        FunctionConfigurationOutput after = functions.getFunctionConfiguration(ref("f"));
        assertThat(after.lastUpdateStatus()).isEqualTo("Successful");
        assertThat(after.lastUpdateStatusReason()).isNull();
        assertThat(after.description()).isEqualTo("changed");

        FunctionConfigurationOutput codeUpdated = functions.updateFunctionCode(ref("f"), codeUpdate("2", false));
        assertThat(codeUpdated.lastUpdateStatus()).isEqualTo("InProgress");
    }

    @Test
    void listEntriesCarryNoStateAndNoRuntimeVersion() {
        functions.createFunction(new CreateFunctionInput("f", "python3.12", ROLE, "app.handler", code(), null, null, null, true, null,
                new Environment(Map.of("AB", "1")), null, null, null, null, null));
        for (FunctionConfigurationOutput entry : functions.listFunctions(Optional.empty(), Optional.of("ALL"), Optional.empty(), null)
                .functions()) {
            assertThat(entry.state()).isNull();
            assertThat(entry.stateReasonCode()).isNull();
            assertThat(entry.lastUpdateStatus()).isNull();
            assertThat(entry.runtimeVersionConfig()).isNull();
            assertThat(entry.environment().variables()).containsEntry("AB", "1");
        }
        assertThat(functions.listVersions(ref("f"), Optional.empty(), null).versions())
                .extracting(FunctionConfigurationOutput::version, FunctionConfigurationOutput::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("$LATEST", null), org.assertj.core.groups.Tuple.tuple("1", null));
    }

    @Test
    void listFunctionsRefusesWhatLambdaRefuses() {
        assertError(() -> functions.listFunctions(Optional.empty(), Optional.of("invalid"), Optional.empty(), null),
                LambdaErrorType.ValidationException, "1 validation error detected: Value 'invalid' at 'functionVersion' failed to"
                        + " satisfy constraint: Member must satisfy enum value set: [ALL]");
        assertError(() -> functions.listFunctions(Optional.of("mars-1"), Optional.of("ALL"), Optional.empty(), null),
                LambdaErrorType.ValidationException, "1 validation error detected: Value 'mars-1' at 'masterRegion' failed to"
                        + " satisfy constraint: Member must satisfy regular expression pattern: ALL|[a-z]{2}(-gov)?-[a-z]+-\\d{1}");
        assertError(() -> functions.listFunctions(Optional.empty(), Optional.empty(), Optional.empty(), 0),
                LambdaErrorType.ValidationException, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy"
                        + " constraint: Member must have value greater than or equal to 1");
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        assertThat(functions.listFunctions(Optional.of("us-east-1"), Optional.of("ALL"), Optional.empty(), null).functions())
                .as("Hearth has no Lambda@Edge replicas").isEmpty();
    }

    @Test
    void publishingWithoutAChangeAnswersTheLastVersionWhateverItsDescription() {
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        FunctionConfigurationOutput first = functions.publishVersion(ref("f"), new PublishVersionInput(null, "first", null));
        assertThat(first.version()).isEqualTo("1");
        assertThat(first.description()).isEqualTo("first");
        assertThat(first.state()).isEqualTo("Active");
        assertThat(first.lastUpdateStatus()).isEqualTo("Successful");

        FunctionConfigurationOutput again = functions.publishVersion(ref("f"), new PublishVersionInput(null, "another description", null));
        assertThat(again.version()).isEqualTo("1");
        assertThat(again.description()).isEqualTo("first");
        assertThat(again.revisionId()).isEqualTo(first.revisionId());

        // a change of $LATEST, even to its description alone, makes the next publish a new version
        functions.updateFunctionConfiguration(ref("f"), update("new description", null, null));
        assertThat(functions.publishVersion(ref("f"), new PublishVersionInput(null, null, null)).version()).isEqualTo("2");
        assertThat(functions.publishVersion(ref("f"), new PublishVersionInput(null, null, null)).version()).isEqualTo("2");
    }

    @Test
    void publishPreconditionsAreLambdas() {
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        String sha = functions.getFunctionConfiguration(ref("f")).codeSha256();
        assertError(() -> functions.publishVersion(ref("f"), new PublishVersionInput("abc", null, null)),
                LambdaErrorType.InvalidParameterValueException, "CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST ("
                        + sha + "). Please try again with the CodeSHA256 in $LATEST.");
        assertError(() -> functions.publishVersion(ref("f"), new PublishVersionInput(sha, null, "wrong")),
                LambdaErrorType.PreconditionFailedException, "The Revision Id provided does not match the latest Revision Id."
                        + " Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        assertThat(functions.publishVersion(ref("f"), new PublishVersionInput(sha, null, null)).version()).isEqualTo("1");
    }

    @Test
    void publishOnCreateAnswersVersionOneBeingCreated() {
        FunctionConfigurationOutput created = functions.createFunction(new CreateFunctionInput("f", "python3.12", ROLE, "app.handler",
                code(), null, null, null, true, null, null, null, null, null, null, null));
        assertThat(created.version()).isEqualTo("1");
        assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:f");
        assertThat(created.state()).isEqualTo("Pending");
        assertThat(functions.getFunctionConfiguration(ref("f").qualified("1")).state()).isEqualTo("Active");

        FunctionConfigurationOutput published = functions.updateFunctionCode(ref("f"), codeUpdate("2", true));
        assertThat(published.version()).isEqualTo("2");
        assertThat(published.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:f:2");
        assertThat(published.state()).isEqualTo("Pending");
        assertThat(published.lastUpdateStatus()).isNull();
    }

    @Test
    void aliasRoutingIsCheckedAsLambdaChecksIt() {
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        functions.publishVersion(ref("f"), new PublishVersionInput(null, null, null));
        functions.updateFunctionConfiguration(ref("f"), update("v2", null, null));
        functions.publishVersion(ref("f"), new PublishVersionInput(null, null, null));
        functions.updateFunctionConfiguration(ref("f"), new UpdateFunctionConfigurationInput(OTHER_ROLE, null, "v3", null, null, null,
                null, null, null, null, null));
        functions.publishVersion(ref("f"), new PublishVersionInput(null, null, null));

        assertError(() -> alias("1", Map.of("1", 0.8, "2", 0.2)), LambdaErrorType.InvalidParameterValueException,
                "Number of items in AdditionalVersionWeights cannot be greater than 1");
        assertError(() -> alias("1", Map.of("2", 2.0)), LambdaErrorType.ValidationException, "1 validation error detected: Value "
                + "'{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy "
                + "constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, "
                + "Member must not be null]");
        assertError(() -> alias("1", Map.of("1", 0.5)), LambdaErrorType.InvalidParameterValueException,
                "Invalid function version 1. Function version 1 is already included in routing configuration.");
        assertError(() -> alias("10", Map.of("2", 0.5)), LambdaErrorType.ResourceNotFoundException,
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:10");
        assertError(() -> alias("1", Map.of("10", 0.5)), LambdaErrorType.ResourceNotFoundException,
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:10");
        assertError(() -> alias("$LATEST", Map.of("1", 0.5)), LambdaErrorType.InvalidParameterValueException,
                "$LATEST is not supported for an alias pointing to more than 1 version");
        assertError(() -> alias("1", Map.of("$LATEST", 0.5)), LambdaErrorType.ValidationException, "1 validation error detected: "
                + "Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must "
                + "satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or "
                + "equal to 1, Member must satisfy regular expression pattern: [0-9]+]");
        assertError(() -> alias("2", Map.of("3", 0.5)), LambdaErrorType.InvalidParameterValueException,
                "Specified versions must be associated with the same execution role");
        assertError(() -> functions.createAlias(ref("missing"), new AliasInput("live", "1", null, null, null)),
                LambdaErrorType.ResourceNotFoundException, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing:1");
        assertError(() -> functions.createAlias(ref("f"), new AliasInput("2024", "1", null, null, null)),
                LambdaErrorType.ValidationException, "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint:"
                        + " Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");

        assertThat(alias("1", Map.of("2", 0.5)).routingConfig().additionalVersionWeights()).containsEntry("2", 0.5);
        assertError(() -> alias("1", Map.of("2", 0.5)), LambdaErrorType.ResourceConflictException,
                "Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:f:live");
        // moving the alias onto its routed version without a new routing is refused
        assertError(() -> functions.updateAlias(ref("f"), "live", new AliasInput(null, "2", null, null, null)),
                LambdaErrorType.InvalidParameterValueException,
                "Invalid function version 2. Function version 2 is already included in routing configuration.");
        assertError(() -> functions.getAlias(ref("f"), "nope"), LambdaErrorType.ResourceNotFoundException,
                "Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:f:nope");
        assertError(() -> functions.updateAlias(ref("f"), "nope", new AliasInput(null, "1", null, null, null)),
                LambdaErrorType.ResourceNotFoundException, "Alias not found: arn:aws:lambda:us-east-1:000000000000:function:f:nope");
        functions.deleteAlias(ref("f"), "nope");
    }

    @Test
    void deletingAVersionThatDoesNotExistSucceeds() {
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        functions.deleteFunction(ref("f").qualified("1233"));
        functions.deleteFunction(ref("f"));
        assertError(() -> functions.deleteFunction(ref("f").qualified("1233")), LambdaErrorType.ResourceNotFoundException,
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f");
    }

    @Test
    void tagsAreRefusedInLambdasWords() {
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
        assertError(() -> functions.tagResource("arn:aws:something", Map.of("a", "b")), LambdaErrorType.ValidationException,
                "1 validation error detected: Value 'arn:aws:something' at 'resource' failed to satisfy constraint: Member must satisfy"
                        + " regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}"
                        + ":\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:"
                        + "csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                        + "[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)");
        assertError(() -> functions.tagResource(arn + ":v1", Map.of("a", "b")), LambdaErrorType.InvalidParameterValueException,
                "Tags on function aliases and versions are not supported. Please specify a function ARN.");
        assertError(() -> functions.tagResource(arn, Map.of()), LambdaErrorType.InvalidParameterValueException,
                "An error occurred and the request cannot be processed.");
        assertError(() -> functions.untagResource(arn, List.of()), LambdaErrorType.ValidationException,
                "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
        Map<String, String> tooMany = new java.util.HashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put(i + "_key", i + "_value");
        }
        assertError(() -> functions.tagResource(arn, tooMany), LambdaErrorType.InvalidParameterValueException,
                "Number of tags exceeds resource tag limit.");
        assertError(() -> functions.tagResource("arn:aws:lambda:us-east-1:000000000000:function:missing", Map.of("a", "b")),
                LambdaErrorType.ResourceNotFoundException, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing");
        functions.tagResource(arn, Map.of("a", "b"));
        assertThat(functions.getFunction(ref("f"), v -> "http://code").tags()).containsExactly(Map.entry("a", "b"));
    }

    @Test
    void operationsOnTheFunctionItselfRefuseAQualifier() {
        functions.createFunction(create("f", "python3.12", ROLE, "app.handler", null, null, null));
        assertError(() -> functions.publishVersion(ref("f").qualified("1"), new PublishVersionInput(null, null, null)),
                LambdaErrorType.InvalidParameterValueException, "This operation is permitted on Lambda functions only. Aliases and"
                        + " versions do not support this operation. Please specify either a function name or an unqualified function ARN.");
    }

    private dev.hearth.controlplane.api.AliasConfiguration alias(String version, Map<String, Double> weights) {
        return functions.createAlias(ref("f"), new AliasInput("live", version, null, new AliasRoutingConfiguration(weights), null));
    }

    private static void assertError(ThrowingCallable call, LambdaErrorType type, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static FunctionRef ref(String name) {
        return FunctionRef.of(ACCOUNT, name);
    }

    private static CreateFunctionInput create(String name, String runtime, String role, String handler, Integer memory,
            Integer timeout, String description) {
        return new CreateFunctionInput(name, runtime, role, handler, code(), description, timeout, memory, null, null, null, null,
                null, null, null, null);
    }

    private static UpdateFunctionConfigurationInput update(String description, String runtime, String revisionId) {
        return new UpdateFunctionConfigurationInput(null, null, description, null, null, null, runtime, revisionId, null, null, null);
    }

    private static UpdateFunctionCodeInput codeUpdate(String marker, boolean publish) {
        return new UpdateFunctionCodeInput(zip(marker), null, null, null, null, publish, null, null, null);
    }

    private static FunctionCodeInput code() {
        return new FunctionCodeInput(zip("1"), null, null, null, null);
    }

    private static byte[] zip(String marker) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write(("def handler(event, context):\n    return '" + marker + "'\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
