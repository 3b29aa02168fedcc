package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hearth.controlplane.api.AliasConfiguration;
import dev.hearth.controlplane.api.AliasInput;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.FunctionConfigurationOutput;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.TagsInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionConfigurationInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.AwsJson;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the function API's JSON requests through the path the HTTP endpoint takes: the body read by
 * {@link AwsJson} into the operation's input record, path parameters through {@link FunctionRef#parse},
 * then {@link FunctionService} on a real SQLite store (see {@link HostileRequests} for what is sent).
 * Whatever the request: it succeeds or fails with a {@link LambdaException} of a 4xx type (never a 500
 * {@code ServiceException}, never another exception such as a NullPointerException, ClassCastException,
 * NumberFormatException or StackOverflowError); a failed request changes nothing (a failed
 * CreateFunction stores no function); and the account stays readable afterwards.
 *
 * <p>Bounded: Jazzer fuzzes for {@code maxDuration} when the build sets {@code JAZZER_FUZZ} (the
 * parent POM does), else replays the saved inputs only.
 */
final class TestFunctionRequestFuzzing {
    private static final AccountContext ACCOUNT = AccountContext.DEFAULT;
    private static final Set<String> RUNTIMES = Set.of("python3.12", "nodejs22.x", "java21");
    private static final String BASE = "base";
    private static final String[] FUNCTION_NAMES = {
        BASE, "base:1", "base:live", "base:$LATEST", "missing", "arn:aws:lambda:us-east-1:000000000000:function:base",
        "000000000000:base", "arn:aws:lambda:us-east-1:000000000000:function:base:live",
    };
    private static final String[] QUALIFIERS = {"1", "$LATEST", "live", "next", "2"};

    @TempDir
    Path directory;

    private SqliteFunctionStore store;
    private PackageStore packages;
    private FunctionService functions;

    @BeforeEach
    void createOneFunctionWithAVersionAndAnAlias() {
        store = SqliteFunctionStore.open(directory.resolve("functions.db"));
        packages = PackageStore.open(directory.resolve("packages"), PackageLimits.defaults());
        functions = new FunctionService(store, packages, ACCOUNT, RUNTIMES::contains, ControlPlaneLimits.LAMBDA_DEFAULTS,
                Clock.systemUTC());
        functions.createFunction(new CreateFunctionInput(BASE, "python3.12", HostileRequests.ROLE, "app.handler",
                new FunctionCodeInput(Base64.getDecoder().decode(HostileRequests.ZIP_BASE64), null, null, null, null),
                null, null, null, true, null, null, null, null, Map.of("team", "a"), null, null));
        functions.createAlias(ref(BASE), new AliasInput("live", "1", null, null, null));
    }

    @AfterEach
    void close() {
        packages.close();
        store.close();
    }

    @FuzzTest(maxDuration = "10s")
    void requestsSucceedOrFailWithA4xxAndFailuresChangeNothing(FuzzedDataProvider data) {
        List<Object> before = state();
        try {
            perform(data);
        } catch (LambdaException refused) {
            assertThat(refused.httpStatus()).as("%s: %s", refused.type(), refused.getMessage()).isBetween(400, 499);
            assertThat(state()).as("state after a refused request").isEqualTo(before);
            return;
        }
        state(); // whatever succeeded left the account readable
    }

    /** Found by the fuzz test: an {@code Architectures} list holding null was a NullPointerException (a 500). */
    @Test
    void architecturesHoldingNullAreAConstraintViolation() {
        List<Object> before = state();
        String violation = "1 validation error detected: Value '[null]' at 'architectures' failed to satisfy constraint:"
                + " Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]";
        byte[] create = ("{\"FunctionName\":\"f\",\"Runtime\":\"python3.12\",\"Role\":\"" + HostileRequests.ROLE
                + "\",\"Handler\":\"app.handler\",\"Code\":{\"ZipFile\":\"" + HostileRequests.ZIP_BASE64
                + "\"},\"Architectures\":[null]}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> functions.createFunction(AwsJson.read(create, CreateFunctionInput.class)))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException);
                    assertThat(e.getMessage()).isEqualTo(violation);
                });
        byte[] update = ("{\"ZipFile\":\"" + HostileRequests.ZIP_BASE64 + "\",\"Architectures\":[null]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> functions.updateFunctionCode(ref(BASE), AwsJson.read(update, UpdateFunctionCodeInput.class)))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException);
                    assertThat(e.getMessage()).isEqualTo(violation);
                });
        assertThat(state()).isEqualTo(before);
    }

    /** One operation, as {@code ManagementApi} performs it; undoes what a success added. */
    private void perform(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 8)) {
            case 0 -> {
                byte[] body = HostileRequests.body(data, List.of("FunctionName", "Runtime", "Role", "Handler", "Code",
                        "Description", "Timeout", "MemorySize", "Publish", "PackageType", "Environment", "EphemeralStorage",
                        "Architectures", "Tags", "SnapStart", "TracingConfig", "Layers", "CodeSigningConfigArn"));
                FunctionConfigurationOutput created = functions.createFunction(AwsJson.read(body, CreateFunctionInput.class));
                functions.deleteFunction(ref(created.functionName()));
            }
            case 1 -> functions.updateFunctionConfiguration(pathRef(data), AwsJson.read(HostileRequests.body(data, List.of(
                    "Role", "Handler", "Description", "Timeout", "MemorySize", "Environment", "Runtime", "RevisionId",
                    "EphemeralStorage", "SnapStart", "TracingConfig", "Layers")), UpdateFunctionConfigurationInput.class));
            case 2 -> functions.updateFunctionCode(pathRef(data), AwsJson.read(HostileRequests.body(data, List.of(
                    "ZipFile", "S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri", "Publish", "DryRun", "RevisionId",
                    "Architectures")), UpdateFunctionCodeInput.class));
            case 3 -> {
                FunctionConfigurationOutput published = functions.publishVersion(pathRef(data), AwsJson.read(
                        HostileRequests.body(data, List.of("CodeSha256", "Description", "RevisionId")), PublishVersionInput.class));
                if (!published.version().equals("1")) {
                    functions.deleteFunction(ref(BASE + ":" + published.version()));
                }
            }
            case 4 -> {
                AliasConfiguration alias = functions.createAlias(pathRef(data), AwsJson.read(HostileRequests.body(data,
                        List.of("Name", "FunctionVersion", "Description", "RoutingConfig", "RevisionId")), AliasInput.class));
                functions.deleteAlias(ref(BASE), alias.name());
            }
            case 5 -> functions.updateAlias(pathRef(data), HostileRequests.pathParameter(data, "live", "next"),
                    AwsJson.read(HostileRequests.body(data, List.of("FunctionVersion", "Description", "RoutingConfig",
                            "RevisionId")), AliasInput.class));
            case 6 -> functions.tagResource(HostileRequests.pathParameter(data,
                            "arn:aws:lambda:us-east-1:000000000000:function:base", "arn:aws:lambda:us-east-1:000000000000:function:x"),
                    AwsJson.read(HostileRequests.body(data, List.of("Tags")), TagsInput.class).tags());
            case 7 -> {
                Optional<String> marker = optional(data, "1", "live", "base", "$LATEST");
                Integer maxItems = data.consumeBoolean() ? null : data.consumeInt();
                switch (data.consumeInt(0, 2)) {
                    case 0 -> functions.listFunctions(optional(data, "us-east-1", "ALL"), optional(data, "ALL", "1"), marker, maxItems);
                    case 1 -> functions.listVersions(FunctionRef.parse(HostileRequests.pathParameter(data, FUNCTION_NAMES),
                            ACCOUNT, FunctionNameMember.NAMESPACED_FUNCTION_NAME), marker, maxItems);
                    default -> functions.listAliases(pathRef(data), optional(data, "1", "$LATEST"), marker, maxItems);
                }
            }
            default -> functions.getFunction(FunctionRef.parse(HostileRequests.pathParameter(data, FUNCTION_NAMES),
                    optionalQualifier(data), ACCOUNT, FunctionNameMember.NAMESPACED_FUNCTION_NAME), v -> "location");
        }
    }

    private static FunctionRef pathRef(FuzzedDataProvider data) {
        return FunctionRef.parse(HostileRequests.pathParameter(data, FUNCTION_NAMES), optionalQualifier(data), ACCOUNT,
                FunctionNameMember.FUNCTION_NAME);
    }

    private static Optional<String> optionalQualifier(FuzzedDataProvider data) {
        return data.consumeInt(0, 3) == 0 ? Optional.of(HostileRequests.pathParameter(data, QUALIFIERS)) : Optional.empty();
    }

    /** A query parameter: absent, plausible or anything. */
    private static Optional<String> optional(FuzzedDataProvider data, String... plausible) {
        return data.consumeBoolean() ? Optional.empty() : Optional.of(HostileRequests.pathParameter(data, plausible));
    }

    private static FunctionRef ref(String nameOrArn) {
        return FunctionRef.parse(nameOrArn, ACCOUNT, FunctionNameMember.FUNCTION_NAME);
    }

    /** What a request could change: every function and version, the aliases and tags of the base function. */
    private List<Object> state() {
        List<Object> state = new ArrayList<>();
        state.add(functions.listFunctions(Optional.empty(), Optional.of("ALL"), Optional.empty(), null).functions().stream()
                .map(f -> f.functionArn() + " " + f.version() + " " + f.revisionId()).sorted().toList());
        state.add(functions.listAliases(ref(BASE), Optional.empty(), Optional.empty(), null).aliases().stream()
                .map(a -> a.name() + " " + a.functionVersion() + " " + a.revisionId()).sorted().toList());
        state.add(functions.listTags(ACCOUNT.functionArn(BASE)));
        return state;
    }
}
