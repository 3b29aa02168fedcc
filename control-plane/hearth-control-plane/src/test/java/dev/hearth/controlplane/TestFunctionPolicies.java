package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.controlplane.api.AddPermissionInput;
import dev.hearth.controlplane.api.GetPolicyOutput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AddPermission, RemovePermission and GetPolicy keep a policy per function, version and alias with
 * Lambda's answers and RevisionIds, and {@link FunctionPolicies#authorize} lets a caller of another
 * account through only where a statement allows it.
 */
final class TestFunctionPolicies {
    private static final AccountContext OWNER = new AccountContext("us-east-1", "111111111111");
    private static final String CALLER = "222222222222";
    private static final String ARN = OWNER.functionArn("f");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private SqliteFunctionStore store;
    private FunctionPolicies policies;

    @BeforeEach
    void setUp() throws Exception {
        store = SqliteFunctionStore.open(Files.createTempDirectory("policies").resolve("functions.db"));
        policies = new FunctionPolicies(store, OWNER);
        FunctionConfiguration configuration = new FunctionConfiguration("python3.12", "app.handler",
                "arn:aws:iam::111111111111:role/r", "", 128, 3, 512, Map.of(), List.of("x86_64"), "None", "PassThrough");
        store.transact(tx -> {
            tx.insertFunction(new FunctionRecord("f", T0, 1, Map.of()),
                    new FunctionVersion("f", FunctionVersion.LATEST, configuration, new CodeRef("sha", 1), T0, "rev-latest"));
            tx.putVersion(new FunctionVersion("f", "1", configuration, new CodeRef("sha", 1), T0, "rev-1"));
            tx.putAlias(new Alias("f", "live", "1", "", Map.of(), "rev-live"));
            return null;
        });
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aPolicyBelongsToTheFunctionOrToOneVersionOrAlias() {
        policies.addPermission(ref(), grant("fn", CALLER));
        policies.addPermission(ref().qualified("live"), grant("alias", CALLER));

        assertThat(policies.getPolicy(ref()).policy()).contains("\"Sid\":\"fn\"").doesNotContain("alias")
                .contains("\"Resource\":\"" + ARN + "\"");
        assertThat(policies.getPolicy(ref().qualified(FunctionVersion.LATEST)).policy()).contains("\"Sid\":\"fn\"");
        assertThat(policies.getPolicy(ref().qualified("live")).policy()).contains("\"Sid\":\"alias\"")
                .contains("\"Resource\":\"" + ARN + ":live\"");
        assertError(() -> policies.getPolicy(ref().qualified("1")), LambdaErrorType.ResourceNotFoundException,
                "The resource you requested does not exist.");

        // the alias's policy goes with the alias, the function's with the function
        store.transact(tx -> {
            tx.deleteAlias("f", "live");
            return null;
        });
        assertError(() -> policies.getPolicy(ref().qualified("live")), LambdaErrorType.ResourceNotFoundException,
                "The resource you requested does not exist.");
    }

    @Test
    void revisionIdsGuardChanges() {
        assertError(() -> policies.addPermission(ref().qualified("live"), grant("s", CALLER, "rev-1")),
                LambdaErrorType.PreconditionFailedException,
                "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id");
        // before the first statement: the alias's RevisionId
        policies.addPermission(ref().qualified("live"), grant("s", CALLER, "rev-live"));
        GetPolicyOutput first = policies.getPolicy(ref().qualified("live"));
        policies.addPermission(ref().qualified("live"), grant("t", CALLER, first.revisionId()));
        GetPolicyOutput second = policies.getPolicy(ref().qualified("live"));
        assertThat(second.revisionId()).isNotEqualTo(first.revisionId());
        assertError(() -> policies.removePermission(ref().qualified("live"), "s", Optional.of(first.revisionId())),
                LambdaErrorType.PreconditionFailedException, "The Revision Id provided does not match the latest Revision Id. "
                        + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        policies.removePermission(ref().qualified("live"), "s", Optional.of(second.revisionId()));
        policies.removePermission(ref().qualified("live"), "t", Optional.empty());
        assertError(() -> policies.getPolicy(ref().qualified("live")), LambdaErrorType.ResourceNotFoundException,
                "The resource you requested does not exist.");
    }

    @Test
    void lambdasErrors() {
        assertError(() -> policies.addPermission(ref(), new AddPermissionInput("bad.id", "lambda:Invoke-Function", CALLER, null,
                        "12", null, null, null, "SOME", null)), LambdaErrorType.ValidationException,
                "4 validation errors detected: Value 'bad.id' at 'statementId' failed to satisfy constraint: Member must satisfy "
                        + "regular expression pattern: ([a-zA-Z0-9-_]+); Value 'lambda:Invoke-Function' at 'action' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*]); "
                        + "Value '12' at 'sourceAccount' failed to satisfy constraint: Member must satisfy regular expression "
                        + "pattern: \\d{12}; Value 'SOME' at 'functionUrlAuthType' failed to satisfy constraint: Member must "
                        + "satisfy enum value set: [NONE, AWS_IAM]");
        assertError(() -> policies.addPermission(ref().qualified(FunctionVersion.LATEST), grant("s", CALLER)),
                LambdaErrorType.InvalidParameterValueException, "We currently do not support adding policies for $LATEST.");
        assertError(() -> policies.addPermission(FunctionRef.of(OWNER, "missing"), grant("s", CALLER)),
                LambdaErrorType.ResourceNotFoundException, "Function not found: " + OWNER.functionArn("missing"));
        assertError(() -> policies.addPermission(ref().qualified("42"), grant("s", CALLER)),
                LambdaErrorType.ResourceNotFoundException, "Function not found: " + ARN + ":42");
        assertError(() -> policies.addPermission(ref().qualified("gone"), grant("s", CALLER)),
                LambdaErrorType.ResourceNotFoundException, "Cannot find alias arn: " + ARN + ":gone");
        assertError(() -> policies.addPermission(ref(), grant("s", "someone")),
                LambdaErrorType.InvalidParameterValueException,
                "The provided principal was invalid. Please check the principal and try again.");
        assertError(() -> policies.removePermission(ref(), "s", Optional.empty()),
                LambdaErrorType.ResourceNotFoundException, "No policy is associated with the given resource.");
        assertError(() -> policies.removePermission(FunctionRef.of(OWNER, "missing"), "s", Optional.empty()),
                LambdaErrorType.ResourceNotFoundException, "No policy found for: " + OWNER.functionArn("missing"));
        policies.addPermission(ref(), grant("s", CALLER));
        assertError(() -> policies.addPermission(ref(), grant("s", CALLER)), LambdaErrorType.ResourceConflictException,
                "The statement id (s) provided already exists. Please provide a new statement id, or remove the existing statement.");
        assertError(() -> policies.removePermission(ref(), "nope", Optional.empty()),
                LambdaErrorType.ResourceNotFoundException, "Statement nope is not found in resource policy.");
    }

    @Test
    void anotherAccountIsLetThroughOnlyByAStatementForItsQualifierAndAction() {
        String denied = "User: arn:aws:iam::" + CALLER + ":root is not authorized to perform: lambda:InvokeFunction on resource: "
                + ARN + " because no resource-based policy allows the lambda:InvokeFunction action";
        assertError(() -> policies.authorize(CALLER, "lambda:InvokeFunction", ref()), LambdaErrorType.AccessDeniedException, denied);
        assertError(() -> policies.authorize(CALLER, "lambda:InvokeFunction", FunctionRef.of(OWNER, "missing")),
                LambdaErrorType.AccessDeniedException, denied.replace(ARN, OWNER.functionArn("missing")));

        policies.addPermission(ref(), new AddPermissionInput("mismatch", "lambda:InvokeFunction", CALLER, null, "333333333333",
                null, null, null, null, null));
        assertError(() -> policies.authorize(CALLER, "lambda:InvokeFunction", ref()), LambdaErrorType.AccessDeniedException, denied);

        policies.addPermission(ref(), grant("granted", CALLER));
        policies.authorize(CALLER, "lambda:InvokeFunction", ref());
        policies.authorize(CALLER, "lambda:InvokeFunction", ref().qualified(FunctionVersion.LATEST));
        assertThatThrownBy(() -> policies.authorize(CALLER, "lambda:GetFunction", ref()))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException));
        assertThatThrownBy(() -> policies.authorize(CALLER, "lambda:InvokeFunction", ref().qualified("live")))
                .as("the function's policy is not the alias's")
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException));
        assertThatThrownBy(() -> policies.authorize("444444444444", "lambda:InvokeFunction", ref()))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException));

        policies.removePermission(ref(), "granted", Optional.empty());
        assertError(() -> policies.authorize(CALLER, "lambda:InvokeFunction", ref()), LambdaErrorType.AccessDeniedException, denied);
    }

    @Test
    void operationsAreLambdasActions() {
        assertThat(FunctionPolicies.actionOf("InvokeFunction")).isEqualTo("lambda:InvokeFunction");
        assertThat(FunctionPolicies.actionOf("InvokeAsync")).isEqualTo("lambda:InvokeFunction");
        assertThat(FunctionPolicies.actionOf("GetFunction")).isEqualTo("lambda:GetFunction");
    }

    private static FunctionRef ref() {
        return FunctionRef.of(OWNER, "f");
    }

    private static AddPermissionInput grant(String sid, String principal) {
        return grant(sid, principal, null);
    }

    private static AddPermissionInput grant(String sid, String principal, String revisionId) {
        return new AddPermissionInput(sid, "lambda:InvokeFunction", principal, null, null, null, revisionId, null, null, null);
    }

    private static void assertError(ThrowingCallable call, LambdaErrorType type, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e).hasMessage(message);
        });
    }
}
