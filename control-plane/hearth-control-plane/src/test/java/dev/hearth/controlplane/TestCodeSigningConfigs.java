package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.controlplane.api.AllowedPublishers;
import dev.hearth.controlplane.api.CodeSigningConfigOutput;
import dev.hearth.controlplane.api.CodeSigningPolicies;
import dev.hearth.controlplane.api.CreateCodeSigningConfigInput;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.FunctionCodeSigningConfig;
import dev.hearth.controlplane.api.ListCodeSigningConfigsOutput;
import dev.hearth.controlplane.api.UpdateCodeSigningConfigInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Code signing configurations in the control plane: their shapes, Lambda's validation and errors,
 * a function's association, and what a deployment to a function with a configuration meets (Hearth
 * verifies no signature: Enforce refuses every package and stores nothing, Warn accepts it).
 */
final class TestCodeSigningConfigs {
    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final String PROFILE = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/abcdef0123";
    private static final String ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:";
    private static final String UNKNOWN = ARN_PREFIX + "csc-0123456789abcdef0";

    private SqliteFunctionStore store;
    private PackageStore packages;
    private FunctionService functions;
    private CodeSigningConfigs configs;

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createTempDirectory("code-signing");
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults());
        functions = new FunctionService(store, packages, AccountContext.DEFAULT, "python3.12"::equals,
                ControlPlaneLimits.LAMBDA_DEFAULTS, Clock.fixed(Instant.parse("2026-03-04T05:06:07.890Z"), ZoneOffset.UTC));
        configs = functions.codeSigningConfigs();
    }

    @AfterEach
    void tearDown() {
        packages.close();
        store.close();
    }

    @Test
    void createdConfigHasLambdasShapeAndDefaultsToWarn() {
        CodeSigningConfigOutput created = configs.create(new CreateCodeSigningConfigInput(null,
                new AllowedPublishers(List.of(PROFILE)), null, Map.of("team", "core"))).codeSigningConfig();

        assertThat(created.codeSigningConfigId()).matches("csc-[0-9a-f]{17}");
        assertThat(created.codeSigningConfigArn()).isEqualTo(ARN_PREFIX + created.codeSigningConfigId());
        assertThat(created.description()).isEmpty();
        assertThat(created.allowedPublishers().signingProfileVersionArns()).containsExactly(PROFILE);
        assertThat(created.codeSigningPolicies().untrustedArtifactOnDeployment()).isEqualTo("Warn");
        assertThat(created.lastModified()).isEqualTo("2026-03-04T05:06:07.890+0000");
        assertThat(configs.get(created.codeSigningConfigArn()).codeSigningConfig()).isEqualTo(created);
    }

    @Test
    void updateChangesWhatIsGivenAndListPagesByMarker() {
        String first = enforce("first");
        String second = warn("second");
        CodeSigningConfigOutput updated = configs.update(first, new UpdateCodeSigningConfigInput("changed", null,
                new CodeSigningPolicies("Warn"))).codeSigningConfig();
        assertThat(updated.description()).isEqualTo("changed");
        assertThat(updated.codeSigningPolicies().untrustedArtifactOnDeployment()).isEqualTo("Warn");
        assertThat(updated.allowedPublishers().signingProfileVersionArns()).containsExactly(PROFILE);

        ListCodeSigningConfigsOutput page = configs.list(Optional.empty(), 1);
        assertThat(page.codeSigningConfigs()).hasSize(1);
        assertThat(page.nextMarker()).isNotNull();
        ListCodeSigningConfigsOutput rest = configs.list(Optional.of(page.nextMarker()), 1);
        assertThat(rest.nextMarker()).isNull();
        assertThat(List.of(page.codeSigningConfigs().getFirst().codeSigningConfigArn(),
                rest.codeSigningConfigs().getFirst().codeSigningConfigArn())).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void constraintViolationsAreOneValidationException() {
        assertError(() -> configs.create(new CreateCodeSigningConfigInput("x".repeat(257),
                new AllowedPublishers(List.of()), new CodeSigningPolicies("Block"), null)), LambdaErrorType.ValidationException,
                "3 validation errors detected: Value '" + "x".repeat(257) + "' at 'description' failed to satisfy constraint:"
                        + " Member must have length less than or equal to 256; Value '[]' at 'allowedPublishers.signingProfileVersionArns'"
                        + " failed to satisfy constraint: Member must have length greater than or equal to 1; Value 'Block' at"
                        + " 'codeSigningPolicies.untrustedArtifactOnDeployment' failed to satisfy constraint: Member must satisfy enum"
                        + " value set: [Warn, Enforce]");
        assertError(() -> configs.create(new CreateCodeSigningConfigInput(null, null, null, null)),
                LambdaErrorType.ValidationException, "1 validation error detected: Value null at 'allowedPublishers' failed to"
                        + " satisfy constraint: Member must not be null");
        assertError(() -> configs.get("csc-123"), LambdaErrorType.ValidationException,
                "1 validation error detected: Value 'csc-123' at 'codeSigningConfigArn' failed to satisfy constraint: Member must"
                        + " satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}"
                        + ":\\d{12}:code-signing-config:csc-[a-z0-9]{17}");
    }

    @Test
    void unknownConfigIsNotFoundAndAConfigInUseCannotBeDeleted() {
        String notFound = "The Lambda code signing configuration " + UNKNOWN + " can not be found.";
        assertError(() -> configs.get(UNKNOWN), LambdaErrorType.ResourceNotFoundException, notFound);
        assertError(() -> configs.delete(UNKNOWN), LambdaErrorType.ResourceNotFoundException, notFound);
        assertError(() -> configs.functionsUsing(UNKNOWN, Optional.empty(), null), LambdaErrorType.ResourceNotFoundException,
                notFound);
        assertError(() -> configs.putForFunction(ref("f"), new FunctionCodeSigningConfig(UNKNOWN, null)),
                LambdaErrorType.CodeSigningConfigNotFoundException, "The code signing configuration cannot be found. Check that"
                        + " the provided configuration is not deleted: " + UNKNOWN + ".");

        String arn = warn("used");
        assertError(() -> configs.putForFunction(ref("f"), new FunctionCodeSigningConfig(arn, null)),
                LambdaErrorType.ResourceNotFoundException, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f");
        functions.createFunction(create("f", Optional.of(arn)));
        assertThat(configs.getForFunction(ref("f"))).isEqualTo(new FunctionCodeSigningConfig(arn, "f"));
        assertThat(configs.functionsUsing(arn, Optional.empty(), null).functionArns())
                .containsExactly("arn:aws:lambda:us-east-1:000000000000:function:f");
        assertError(() -> configs.delete(arn), LambdaErrorType.ResourceConflictException,
                "The code signing configuration " + arn + " cannot be deleted because it is used by one or more functions.");

        configs.deleteForFunction(ref("f"));
        assertThat(configs.getForFunction(ref("f"))).isEqualTo(new FunctionCodeSigningConfig(null, null));
        configs.delete(arn);
        assertError(() -> configs.get(arn), LambdaErrorType.ResourceNotFoundException,
                "The Lambda code signing configuration " + arn + " can not be found.");
    }

    @Test
    void enforceRefusesEveryPackageAndStoresNothing() {
        String enforce = enforce("strict");
        String refusal = "Lambda cannot deploy the function. The function or layer might be signed using a signature that the"
                + " client is not configured to accept. Check the provided signature for ";
        assertError(() -> functions.createFunction(create("strict-fn", Optional.of(enforce))),
                LambdaErrorType.CodeVerificationFailedException, refusal + "strict-fn.");
        assertThat(packages.codeSha256s()).isEmpty();
        assertError(() -> functions.getFunctionConfiguration(ref("strict-fn")), LambdaErrorType.ResourceNotFoundException,
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:strict-fn");

        functions.createFunction(create("later", Optional.empty()));
        String before = functions.getFunctionConfiguration(ref("later")).codeSha256();
        configs.putForFunction(ref("later"), new FunctionCodeSigningConfig(enforce, null));
        assertError(() -> functions.updateFunctionCode(ref("later"), update(zip("v2"))),
                LambdaErrorType.CodeVerificationFailedException, refusal + "later.");
        assertThat(functions.getFunctionConfiguration(ref("later")).codeSha256()).isEqualTo(before);
        assertThat(packages.codeSha256s()).containsExactly(before);

        configs.update(enforce, new UpdateCodeSigningConfigInput(null, null, new CodeSigningPolicies("Warn")));
        assertThat(functions.updateFunctionCode(ref("later"), update(zip("v3"))).codeSha256()).isNotEqualTo(before);
    }

    @Test
    void warnAcceptsThePackageAndAssociatesTheFunction() {
        String warn = warn("lenient");
        functions.createFunction(create("lenient-fn", Optional.of(warn)));
        assertThat(configs.getForFunction(ref("lenient-fn")).codeSigningConfigArn()).isEqualTo(warn);
        functions.updateFunctionCode(ref("lenient-fn"), update(zip("v2")));
        functions.deleteFunction(ref("lenient-fn"));
        assertThat(configs.functionsUsing(warn, Optional.empty(), null).functionArns()).isEmpty();
        configs.delete(warn);
    }

    @Test
    void createFunctionWithAnUnknownConfigIsRefusedBeforeAnythingIsStored() {
        assertError(() -> functions.createFunction(create("orphan", Optional.of(UNKNOWN))),
                LambdaErrorType.CodeSigningConfigNotFoundException, "The code signing configuration cannot be found. Check that"
                        + " the provided configuration is not deleted: " + UNKNOWN + ".");
        assertThat(packages.codeSha256s()).isEmpty();
    }

    private String enforce(String description) {
        return config(description, "Enforce");
    }

    private String warn(String description) {
        return config(description, "Warn");
    }

    private String config(String description, String policy) {
        return configs.create(new CreateCodeSigningConfigInput(description, new AllowedPublishers(List.of(PROFILE)),
                new CodeSigningPolicies(policy), null)).codeSigningConfig().codeSigningConfigArn();
    }

    private static void assertError(ThrowingCallable call, LambdaErrorType type, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static FunctionRef ref(String name) {
        return FunctionRef.parse(name, AccountContext.DEFAULT, FunctionNameMember.FUNCTION_NAME);
    }

    private static CreateFunctionInput create(String name, Optional<String> codeSigningConfigArn) {
        return new CreateFunctionInput(name, "python3.12", ROLE, "app.handler",
                new FunctionCodeInput(zip(name), null, null, null, null), null, null, null, null, null, null, null, null, null,
                null, null, codeSigningConfigArn.orElse(null));
    }

    private static UpdateFunctionCodeInput update(byte[] zip) {
        return new UpdateFunctionCodeInput(zip, null, null, null, null, null, null, null, null);
    }

    private static byte[] zip(String value) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write(("def handler(event, context):\n    return '" + value + "'\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
