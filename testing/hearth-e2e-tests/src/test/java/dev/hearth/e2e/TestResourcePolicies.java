package dev.hearth.e2e;

import dev.hearth.e2e.HearthTestServer.TestKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddPermissionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.PolicyLengthExceededException;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Resource-based policies on a server that verifies signatures with two accounts' keys: a caller of
 * the other account reaches a function only through a statement that grants its account the action
 * (and whose conditions hold); AddPermission, GetPolicy and RemovePermission answer as Lambda does,
 * through the AWS SDK for Java v2 and the AWS CLI v2.
 */
final class TestResourcePolicies {
    private static final String OWNER = "111122223333";
    private static final String OTHER = "444455556666";
    private static final String OWNER_KEY = "AKIAOWNER00000000000";
    private static final String OTHER_KEY = "AKIAOTHER00000000000";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HearthTestServer server;
    private static LambdaClient owner;
    private static LambdaClient other;

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
    void anotherAccountInvokesOnlyThroughAPermissionGrantingItsAccount() throws Exception {
        create("shared");
        String arn = arn("shared");
        assertDenied(() -> other.invoke(r -> r.functionName(arn)), "lambda:InvokeFunction", arn);
        assertDenied(() -> other.getFunction(r -> r.functionName(arn)), "lambda:GetFunction", arn);

        owner.addPermission(r -> r.functionName("shared").statementId("wrong-source").action("lambda:InvokeFunction")
                .principal(OTHER).sourceAccount(OWNER));
        assertDenied(() -> other.invoke(r -> r.functionName(arn)), "lambda:InvokeFunction", arn);

        owner.addPermission(r -> r.functionName("shared").statementId("other-account").action("lambda:InvokeFunction")
                .principal(OTHER));
        assertThat(other.invoke(r -> r.functionName(arn)).payload().asUtf8String()).isEqualTo("\"shared\"");
        assertThat(other.invoke(r -> r.functionName(OWNER + ":function:shared")).payload().asUtf8String())
                .as("a partial ARN names the account too").isEqualTo("\"shared\"");
        assertDenied(() -> other.getFunction(r -> r.functionName(arn)), "lambda:GetFunction", arn);
        assertThatThrownBy(() -> other.getFunction(r -> r.functionName("shared")))
                .as("a plain name is the caller's own function").isInstanceOf(ResourceNotFoundException.class);

        // the AWS CLI v2, signed with the other account's key
        AwsCli cli = new AwsCli(server.endpoint(), OTHER_KEY, "other-secret");
        Path out = Files.createTempFile("invoke", ".json");
        AwsCli.Result invoked = cli.run("lambda", "invoke", "--function-name", arn, out.toString());
        assertThat(invoked.exitCode()).as(invoked.stderr()).isZero();
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("\"shared\"");

        owner.removePermission(r -> r.functionName("shared").statementId("other-account"));
        assertDenied(() -> other.invoke(r -> r.functionName(arn)), "lambda:InvokeFunction", arn);
        AwsCli.Result refused = cli.run("lambda", "invoke", "--function-name", arn, out.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("AccessDeniedException").contains("User: arn:aws:iam::" + OTHER
                + ":root is not authorized to perform: lambda:InvokeFunction on resource: " + arn);

        // the account itself needs no permission; an account Hearth has never seen has no function to reach
        assertThat(owner.invoke(r -> r.functionName(arn)).payload().asUtf8String()).isEqualTo("\"shared\"");
        String nobodys = "arn:aws:lambda:us-east-1:777777777777:function:shared";
        assertDenied(() -> other.invoke(r -> r.functionName(nobodys)), "lambda:InvokeFunction", nobodys);
    }

    @Test
    void aPermissionOnAnAliasGrantsThatAliasAndAnActionOnlyWhatItNames() {
        create("aliased");
        owner.publishVersion(r -> r.functionName("aliased"));
        owner.createAlias(r -> r.functionName("aliased").name("live").functionVersion("1"));
        String arn = arn("aliased");
        owner.addPermission(r -> r.functionName("aliased").qualifier("live").statementId("read-and-run").action("lambda:*")
                .principal("arn:aws:iam::" + OTHER + ":root"));

        assertThat(other.invoke(r -> r.functionName(arn + ":live")).payload().asUtf8String()).isEqualTo("\"aliased\"");
        assertThat(other.invoke(r -> r.functionName(arn).qualifier("live")).payload().asUtf8String()).isEqualTo("\"aliased\"");
        assertThat(other.getFunction(r -> r.functionName(arn + ":live")).configuration().version()).isEqualTo("1");
        assertDenied(() -> other.invoke(r -> r.functionName(arn)), "lambda:InvokeFunction", arn);

        // the policy goes with its alias
        owner.deleteAlias(r -> r.functionName("aliased").name("live"));
        owner.createAlias(r -> r.functionName("aliased").name("live").functionVersion("1"));
        assertThatThrownBy(() -> owner.getPolicy(r -> r.functionName("aliased").qualifier("live")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertDenied(() -> other.invoke(r -> r.functionName(arn + ":live")), "lambda:InvokeFunction", arn + ":live");
    }

    @Test
    void getPolicyAnswersLambdasDocument() throws Exception {
        create("documented");
        String arn = arn("documented");
        AddPermissionResponse added = owner.addPermission(r -> r.functionName("documented").statementId("s3")
                .action("lambda:InvokeFunction").principal("s3.amazonaws.com").sourceArn("arn:aws:s3:::my-bucket")
                .sourceAccount(OWNER));
        assertThat(JSON.readTree(added.statement())).isEqualTo(JSON.readTree("""
                {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                 "Action": "lambda:InvokeFunction", "Resource": "%s",
                 "Condition": {"StringEquals": {"AWS:SourceAccount": "%s"}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::my-bucket"}}}
                """.formatted(arn, OWNER)));
        owner.addPermission(r -> r.functionName(arn).statementId("account").action("lambda:GetFunction").principal(OTHER));
        owner.addPermission(r -> r.functionName("documented").statementId("url").action("lambda:InvokeFunctionUrl").principal("*")
                .functionUrlAuthType(FunctionUrlAuthType.NONE).principalOrgID("o-1234567890").invokedViaFunctionUrl(true));

        GetPolicyResponse policy = owner.getPolicy(r -> r.functionName("documented"));
        assertThat(policy.revisionId()).isNotBlank();
        JsonNode document = JSON.readTree(policy.policy());
        assertThat(document).isEqualTo(JSON.readTree("""
                {"Version": "2012-10-17", "Id": "default", "Statement": [
                  {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                   "Action": "lambda:InvokeFunction", "Resource": "%1$s",
                   "Condition": {"StringEquals": {"AWS:SourceAccount": "%2$s"}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::my-bucket"}}},
                  {"Sid": "account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%3$s:root"},
                   "Action": "lambda:GetFunction", "Resource": "%1$s"},
                  {"Sid": "url", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl", "Resource": "%1$s",
                   "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE", "aws:PrincipalOrgID": "o-1234567890"},
                                 "Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}]}
                """.formatted(arn, OWNER, OTHER)));
        // the service statement grants no one (no AWS service calls into Hearth); the account statement grants GetFunction
        assertThat(other.getFunction(r -> r.functionName(arn)).configuration().functionName()).isEqualTo("documented");
        assertDenied(() -> other.invoke(r -> r.functionName(arn)), "lambda:InvokeFunction", arn);

        // the AWS CLI v2 reads the same document
        AwsCli cli = new AwsCli(server.endpoint(), OWNER_KEY, "owner-secret");
        AwsCli.Result read = cli.run("lambda", "get-policy", "--function-name", "documented");
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        JsonNode answer = JSON.readTree(read.stdout());
        assertThat(JSON.readTree(answer.get("Policy").asText())).isEqualTo(document);
        assertThat(answer.get("RevisionId").asText()).isEqualTo(policy.revisionId());
        AwsCli.Result addedByCli = cli.run("lambda", "add-permission", "--function-name", "documented", "--statement-id", "cli",
                "--action", "lambda:InvokeFunction", "--principal", OTHER);
        assertThat(addedByCli.exitCode()).as(addedByCli.stderr()).isZero();
        assertThat(JSON.readTree(JSON.readTree(addedByCli.stdout()).get("Statement").asText()).get("Principal").get("AWS").asText())
                .isEqualTo("arn:aws:iam::" + OTHER + ":root");
        assertThat(other.invoke(r -> r.functionName(arn)).payload().asUtf8String()).isEqualTo("\"documented\"");
        AwsCli.Result removed = cli.run("lambda", "remove-permission", "--function-name", "documented", "--statement-id", "cli");
        assertThat(removed.exitCode()).as(removed.stderr()).isZero();
    }

    @Test
    void revisionIdsAndLambdasErrors() {
        create("guarded");
        String arn = arn("guarded");
        assertThatThrownBy(() -> owner.getPolicy(r -> r.functionName("guarded")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The resource you requested does not exist."));
        assertThatThrownBy(() -> owner.removePermission(r -> r.functionName("guarded").statementId("s")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("No policy is associated with the given resource."));

        owner.addPermission(r -> r.functionName("guarded").statementId("first").action("lambda:InvokeFunction").principal(OTHER));
        String revision = owner.getPolicy(r -> r.functionName("guarded")).revisionId();
        assertThatThrownBy(() -> owner.addPermission(r -> r.functionName("guarded").statementId("second")
                .action("lambda:InvokeFunction").principal(OTHER).revisionId("not-the-revision")))
                .isInstanceOfSatisfying(PreconditionFailedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The Revision Id provided does not match the latest "
                            + "Revision Id. Call the GetPolicy API to retrieve the latest Revision Id");
                });
        owner.addPermission(r -> r.functionName("guarded").statementId("second").action("lambda:InvokeFunction").principal(OTHER)
                .revisionId(revision));
        assertThat(owner.getPolicy(r -> r.functionName("guarded")).revisionId()).isNotEqualTo(revision);
        assertThatThrownBy(() -> owner.removePermission(r -> r.functionName("guarded").statementId("second").revisionId(revision)))
                .isInstanceOf(PreconditionFailedException.class);

        assertThatThrownBy(() -> owner.addPermission(r -> r.functionName("guarded").statementId("first")
                .action("lambda:InvokeFunction").principal(OTHER)))
                .isInstanceOfSatisfying(ResourceConflictException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The statement id (first) provided already exists. Please provide a new statement id, "
                                + "or remove the existing statement."));
        assertThatThrownBy(() -> owner.addPermission(r -> r.functionName("guarded").statementId("example.com")
                .action("lambda:InvokeFunction").principal(OTHER)))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value 'example.com' at "
                            + "'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                            + "([a-zA-Z0-9-_]+)");
                });
        assertThatThrownBy(() -> owner.addPermission(r -> r.functionName("guarded").statementId("bad-action")
                .action("lambda:Invoke*").principal(OTHER)))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> owner.addPermission(r -> r.functionName("guarded").qualifier("$LATEST").statementId("latest")
                .action("lambda:InvokeFunction").principal(OTHER)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("We currently do not support adding policies for $LATEST."));
        assertThatThrownBy(() -> owner.addPermission(r -> r.functionName("guarded").qualifier("42").statementId("v")
                .action("lambda:InvokeFunction").principal(OTHER)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Function not found: " + arn + ":42"));
        assertThatThrownBy(() -> owner.removePermission(r -> r.functionName("guarded").statementId("nope")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Statement nope is not found in resource policy."));

        // a policy stays within 20 KB
        String longArn = "arn:aws:s3:::" + "b".repeat(1000);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 30; i++) {
                int n = i;
                owner.addPermission(r -> r.functionName("guarded").statementId("long-" + n).action("lambda:InvokeFunction")
                        .principal("s3.amazonaws.com").sourceArn(longArn));
            }
        }).isInstanceOfSatisfying(PolicyLengthExceededException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                .matches("The final policy size \\(\\d+\\) is bigger than the limit \\(20480\\)\\."));

        // the policy goes with its function
        owner.deleteFunction(r -> r.functionName("guarded"));
        create("guarded");
        assertThatThrownBy(() -> owner.getPolicy(r -> r.functionName("guarded"))).isInstanceOf(ResourceNotFoundException.class);
        assertDenied(() -> other.invoke(r -> r.functionName(arn)), "lambda:InvokeFunction", arn);
    }

    private static void create(String name) {
        owner.createFunction(HearthTestServer.pythonFunction(name, HearthTestServer.pythonZip(
                "def handler(event, context):\n    return '" + name + "'\n")).build());
    }

    private static String arn(String name) {
        return "arn:aws:lambda:us-east-1:" + OWNER + ":function:" + name;
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String action, String resource) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::" + OTHER
                    + ":root is not authorized to perform: " + action + " on resource: " + resource
                    + " because no resource-based policy allows the " + action + " action");
        });
    }
}
