package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CodeSigningConfig;
import software.amazon.awssdk.services.lambda.model.CodeSigningConfigNotFoundException;
import software.amazon.awssdk.services.lambda.model.CodeSigningPolicy;
import software.amazon.awssdk.services.lambda.model.CodeVerificationFailedException;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 17, code signing: configurations created, read, listed, updated and deleted with Lambda's
 * shapes through the AWS SDK for Java v2, the AWS CLI v2 and boto3; a function's configuration;
 * and deployments under it. Hearth verifies no signature: {@code Enforce} refuses CreateFunction and
 * UpdateFunctionCode (inline or from S3, read from the server's embedded S3 store) with CodeVerificationFailedException
 * and stores nothing; {@code Warn} accepts the package and logs a warning naming function and configuration.
 */
@Timeout(600)
final class TestCodeSigningConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROFILE = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/abcdef0123";
    private static final String REFUSAL = "Lambda cannot deploy the function. The function or layer might be signed using a"
            + " signature that the client is not configured to accept. Check the provided signature for ";
    /** Held strongly: java.util.logging keeps loggers weakly, and the handler must stay attached. */
    private static final Logger CODE_SIGNING_LOG = Logger.getLogger("dev.hearth.controlplane.CodeSigningConfigs");
    private static final List<String> warnings = new CopyOnWriteArrayList<>();
    private static final Handler WARNINGS = new Handler() {
        {
            setFormatter(new SimpleFormatter());
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(getFormatter().formatMessage(record));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private static HearthTestServer hearth;
    private static S3Client s3;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() throws Exception {
        CODE_SIGNING_LOG.addHandler(WARNINGS);
        hearth = HearthTestServer.start(); // code from S3: the server's embedded store
        s3 = hearth.s3();
        lambda = hearth.client();
    }

    @AfterAll
    static void stop() throws Exception {
        CODE_SIGNING_LOG.removeHandler(WARNINGS);
        if (lambda != null) {
            lambda.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (hearth != null) {
            hearth.close();
        }
    }

    private static CodeSigningConfig create(CodeSigningPolicy policy, String description) {
        return lambda.createCodeSigningConfig(b -> b.description(description)
                .allowedPublishers(p -> p.signingProfileVersionArns(PROFILE))
                .codeSigningPolicies(c -> c.untrustedArtifactOnDeployment(policy))).codeSigningConfig();
    }

    private static byte[] handlerReturning(String value) {
        return pythonZip("def handler(event, context):\n    return '" + value + "'\n");
    }

    private static String invoke(String function) {
        return lambda.invoke(b -> b.functionName(function)).payload().asUtf8String();
    }

    @Test
    void enforceRefusesCreateFunctionAndStoresNothing() {
        CodeSigningConfig enforce = create(CodeSigningPolicy.ENFORCE, "strict");
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("sdk-enforced", handlerReturning("never"))
                .codeSigningConfigArn(enforce.codeSigningConfigArn()).build()))
                .isInstanceOfSatisfying(CodeVerificationFailedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(REFUSAL + "sdk-enforced.");
                });
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("sdk-enforced")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(lambda.listFunctionsByCodeSigningConfig(b -> b.codeSigningConfigArn(enforce.codeSigningConfigArn()))
                .functionArns()).isEmpty();

        String unknown = enforce.codeSigningConfigArn().replaceAll("csc-.*", "csc-0123456789abcdef0");
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("sdk-unknown-config", handlerReturning("never"))
                .codeSigningConfigArn(unknown).build()))
                .isInstanceOfSatisfying(CodeSigningConfigNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The code signing configuration cannot be found."
                            + " Check that the provided configuration is not deleted: " + unknown + ".");
                });
    }

    @Test
    void warnAcceptsWithAWarningAndEnforceThenRefusesUpdateCodeInlineAndFromS3() {
        CodeSigningConfig warn = create(CodeSigningPolicy.WARN, "lenient");
        String arn = lambda.createFunction(pythonFunction("sdk-warned", handlerReturning("warned"))
                .codeSigningConfigArn(warn.codeSigningConfigArn()).build()).functionArn();
        assertThat(invoke("sdk-warned")).isEqualTo("\"warned\"");
        assertThat(warnings).anySatisfy(line -> assertThat(line).contains("sdk-warned").contains(warn.codeSigningConfigArn()));
        assertThat(lambda.getFunctionCodeSigningConfig(b -> b.functionName("sdk-warned")).codeSigningConfigArn())
                .isEqualTo(warn.codeSigningConfigArn());
        assertThat(lambda.listFunctionsByCodeSigningConfig(b -> b.codeSigningConfigArn(warn.codeSigningConfigArn()))
                .functionArns()).containsExactly(arn);

        CodeSigningConfig enforce = create(CodeSigningPolicy.ENFORCE, "strict now");
        var put = lambda.putFunctionCodeSigningConfig(b -> b.functionName(arn).codeSigningConfigArn(enforce.codeSigningConfigArn()));
        assertThat(put.codeSigningConfigArn()).isEqualTo(enforce.codeSigningConfigArn());
        assertThat(put.functionName()).isEqualTo("sdk-warned");
        String before = lambda.getFunction(b -> b.functionName("sdk-warned")).configuration().codeSha256();
        assertThatThrownBy(() -> lambda.updateFunctionCode(b -> b.functionName("sdk-warned")
                .zipFile(SdkBytes.fromByteArray(handlerReturning("inline")))))
                .isInstanceOfSatisfying(CodeVerificationFailedException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(REFUSAL + "sdk-warned."));
        s3.createBucket(b -> b.bucket("signed-code"));
        s3.putObject(b -> b.bucket("signed-code").key("function.zip"), RequestBody.fromBytes(handlerReturning("from-s3")));
        assertThatThrownBy(() -> lambda.updateFunctionCode(b -> b.functionName("sdk-warned")
                .s3Bucket("signed-code").s3Key("function.zip")))
                .isInstanceOfSatisfying(CodeVerificationFailedException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(REFUSAL + "sdk-warned."));
        assertThat(lambda.getFunction(b -> b.functionName("sdk-warned")).configuration().codeSha256()).isEqualTo(before);
        assertThat(invoke("sdk-warned")).isEqualTo("\"warned\"");

        assertThatThrownBy(() -> lambda.deleteCodeSigningConfig(b -> b.codeSigningConfigArn(enforce.codeSigningConfigArn())))
                .isInstanceOfSatisfying(ResourceConflictException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
        lambda.deleteFunctionCodeSigningConfig(b -> b.functionName("sdk-warned"));
        assertThat(lambda.getFunctionCodeSigningConfig(b -> b.functionName("sdk-warned")).codeSigningConfigArn()).isNull();
        lambda.updateFunctionCode(b -> b.functionName("sdk-warned").s3Bucket("signed-code").s3Key("function.zip"));
        assertThat(invoke("sdk-warned")).isEqualTo("\"from-s3\"");
        lambda.deleteCodeSigningConfig(b -> b.codeSigningConfigArn(enforce.codeSigningConfigArn()));

        lambda.deleteFunction(b -> b.functionName("sdk-warned"));
        assertThat(lambda.listFunctionsByCodeSigningConfig(b -> b.codeSigningConfigArn(warn.codeSigningConfigArn()))
                .functionArns()).isEmpty();
        lambda.deleteCodeSigningConfig(b -> b.codeSigningConfigArn(warn.codeSigningConfigArn()));
        assertThatThrownBy(() -> lambda.getCodeSigningConfig(b -> b.codeSigningConfigArn(warn.codeSigningConfigArn())))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The Lambda code signing configuration " + warn.codeSigningConfigArn() + " can not be found."));
    }

    @Test
    void awsCliCreatesGetsListsUpdatesAndDeletesWithLambdasShapes() throws Exception {
        AwsCli aws = new AwsCli(hearth.endpoint(), "test-key", "test-secret");
        AwsCli.Result created = aws.run("lambda", "create-code-signing-config", "--description", "from the cli",
                "--allowed-publishers", "SigningProfileVersionArns=" + PROFILE,
                "--code-signing-policies", "UntrustedArtifactOnDeployment=Enforce");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        JsonNode config = JSON.readTree(created.stdout()).path("CodeSigningConfig");
        String arn = config.path("CodeSigningConfigArn").asText();
        String id = config.path("CodeSigningConfigId").asText();
        assertThat(id).matches("csc-[a-z0-9]{17}");
        assertThat(arn).matches("arn:aws:lambda:us-east-1:\\d{12}:code-signing-config:" + id);
        assertThat(config.path("Description").asText()).isEqualTo("from the cli");
        assertThat(config.path("AllowedPublishers").path("SigningProfileVersionArns").get(0).asText()).isEqualTo(PROFILE);
        assertThat(config.path("CodeSigningPolicies").path("UntrustedArtifactOnDeployment").asText()).isEqualTo("Enforce");
        assertThat(config.path("LastModified").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");

        AwsCli.Result got = aws.run("lambda", "get-code-signing-config", "--code-signing-config-arn", arn);
        assertThat(got.exitCode()).as(got.stderr()).isZero();
        assertThat(JSON.readTree(got.stdout()).path("CodeSigningConfig")).isEqualTo(config);

        AwsCli.Result listed = aws.run("lambda", "list-code-signing-configs");
        assertThat(listed.exitCode()).as(listed.stderr()).isZero();
        assertThat(JSON.readTree(listed.stdout()).path("CodeSigningConfigs").findValuesAsText("CodeSigningConfigArn")).contains(arn);

        AwsCli.Result updated = aws.run("lambda", "update-code-signing-config", "--code-signing-config-arn", arn,
                "--code-signing-policies", "UntrustedArtifactOnDeployment=Warn");
        assertThat(updated.exitCode()).as(updated.stderr()).isZero();
        JsonNode after = JSON.readTree(updated.stdout()).path("CodeSigningConfig");
        assertThat(after.path("CodeSigningPolicies").path("UntrustedArtifactOnDeployment").asText()).isEqualTo("Warn");
        assertThat(after.path("Description").asText()).isEqualTo("from the cli");

        AwsCli.Result function = aws.run("lambda", "create-function", "--function-name", "cli-signed", "--runtime", "python3.12",
                "--handler", "app.handler", "--role", HearthTestServer.ROLE,
                "--zip-file", "fileb://" + aws.file("function.zip", handlerReturning("cli")));
        assertThat(function.exitCode()).as(function.stderr()).isZero();
        String functionArn = JSON.readTree(function.stdout()).path("FunctionArn").asText();
        AwsCli.Result put = aws.run("lambda", "put-function-code-signing-config", "--function-name", "cli-signed",
                "--code-signing-config-arn", arn);
        assertThat(put.exitCode()).as(put.stderr()).isZero();
        AwsCli.Result users = aws.run("lambda", "list-functions-by-code-signing-config", "--code-signing-config-arn", arn);
        assertThat(users.exitCode()).as(users.stderr()).isZero();
        assertThat(JSON.readTree(users.stdout()).path("FunctionArns").get(0).asText()).isEqualTo(functionArn);

        AwsCli.Result inUse = aws.run("lambda", "delete-code-signing-config", "--code-signing-config-arn", arn);
        assertThat(inUse.exitCode()).isNotZero();
        assertThat(inUse.stderr()).contains("An error occurred (ResourceConflictException) when calling the"
                + " DeleteCodeSigningConfig operation");
        AwsCli.Result enforcing = aws.run("lambda", "update-code-signing-config", "--code-signing-config-arn", arn,
                "--code-signing-policies", "UntrustedArtifactOnDeployment=Enforce");
        assertThat(enforcing.exitCode()).as(enforcing.stderr()).isZero();
        AwsCli.Result refused = aws.run("lambda", "update-function-code", "--function-name", "cli-signed",
                "--zip-file", "fileb://" + aws.file("function2.zip", handlerReturning("cli-2")));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("An error occurred (CodeVerificationFailedException) when calling the"
                + " UpdateFunctionCode operation").contains(": " + REFUSAL + "cli-signed.");

        AwsCli.Result deleted = aws.run("lambda", "delete-function", "--function-name", "cli-signed");
        assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
        AwsCli.Result gone = aws.run("lambda", "delete-code-signing-config", "--code-signing-config-arn", arn);
        assertThat(gone.exitCode()).as(gone.stderr()).isZero();
        AwsCli.Result missing = aws.run("lambda", "get-code-signing-config", "--code-signing-config-arn", arn);
        assertThat(missing.stderr()).contains("An error occurred (ResourceNotFoundException) when calling the"
                + " GetCodeSigningConfig operation").contains(": The Lambda code signing configuration " + arn + " can not be found.");

        AwsCli.Result invalid = aws.run("lambda", "create-code-signing-config",
                "--allowed-publishers", "SigningProfileVersionArns=not-an-arn");
        assertThat(invalid.exitCode()).isNotZero();
        assertThat(invalid.stderr()).contains("An error occurred (ValidationException) when calling the CreateCodeSigningConfig"
                + " operation").contains(": 1 validation error detected: Value '[not-an-arn]' at 'allowedPublishers.signingProfileVersionArns'"
                + " failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: ");
    }

    @Test
    void boto3SeesLambdasErrorCodes() throws Exception {
        String output = Boto3.run(hearth.endpoint(), """
                import os, boto3, io, zipfile
                from botocore.exceptions import ClientError
                lam = boto3.client('lambda', endpoint_url=os.environ['HEARTH'], region_name='us-east-1',
                                   aws_access_key_id='test-key', aws_secret_access_key='test-secret')
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, 'w') as z:
                    z.writestr('app.py', "def handler(event, context):\\n    return 'boto3'\\n")
                csc = lam.create_code_signing_config(AllowedPublishers={'SigningProfileVersionArns': ['%s']},
                        CodeSigningPolicies={'UntrustedArtifactOnDeployment': 'Enforce'})['CodeSigningConfig']
                try:
                    lam.create_function(FunctionName='boto3-signed', Runtime='python3.12', Handler='app.handler',
                                        Role='%s', Code={'ZipFile': buf.getvalue()},
                                        CodeSigningConfigArn=csc['CodeSigningConfigArn'])
                    print('created')
                except lam.exceptions.CodeVerificationFailedException as e:
                    print(e.response['Error']['Code'] + ' ' + str(e.response['ResponseMetadata']['HTTPStatusCode']))
                lam.delete_code_signing_config(CodeSigningConfigArn=csc['CodeSigningConfigArn'])
                try:
                    lam.get_code_signing_config(CodeSigningConfigArn=csc['CodeSigningConfigArn'])
                except lam.exceptions.ResourceNotFoundException as e:
                    print(e.response['Error']['Code'])
                """.formatted(PROFILE, HearthTestServer.ROLE));
        assertThat(output.lines()).containsExactly("CodeVerificationFailedException 400", "ResourceNotFoundException");
    }
}
