package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 15: the one-command server's own S3-compatible store, on Hearth's endpoint (requests signed
 * for {@code s3} go to it): {@code aws s3 mb}, {@code aws s3 cp}, then create-function from the bucket,
 * with no other set-up; boto3 with its default (checksum-trailer) uploads; one bucket namespace per
 * account when signatures are checked.
 */
@Timeout(600)
final class TestEmbeddedS3 {
    private static final String NO_SUCH_KEY = "Error occurred while GetObject. S3 Error Code: NoSuchKey."
            + " S3 Error Message: The specified key does not exist.";
    private static final String NO_SUCH_BUCKET = "Error occurred while GetObject. S3 Error Code: NoSuchBucket."
            + " S3 Error Message: The specified bucket does not exist";

    private static byte[] handlerReturning(String value) {
        return HearthTestServer.pythonZip("def handler(event, context):\n    return '" + value + "'\n");
    }

    @Test
    void theOneCommandServerTakesAwsS3CpThenCreateFunctionFromTheBucket(@TempDir Path dataDir) throws Exception {
        try (HearthProcess server = HearthProcess.start(dataDir)) {
            AwsCli cli = new AwsCli(server.awaitEndpoint(), "any-key", "any-secret");
            byte[] first = handlerReturning("from-embedded-s3");
            assertSucceeds(cli.run("s3", "mb", "s3://code"));
            assertSucceeds(cli.run("s3", "cp", cli.file("one.zip", first).toString(), "s3://code/function.zip"));
            AwsCli.Result listed = cli.run("s3", "ls", "s3://code/");
            assertSucceeds(listed);
            assertThat(listed.stdout()).contains(" " + first.length + " function.zip");

            assertSucceeds(cli.run("lambda", "create-function", "--function-name", "from-bucket", "--runtime", "python3.12",
                    "--handler", "app.handler", "--role", HearthTestServer.ROLE, "--code", "S3Bucket=code,S3Key=function.zip"));
            assertSucceeds(cli.run("lambda", "wait", "function-active-v2", "--function-name", "from-bucket"));
            assertThat(invoke(cli, "from-bucket")).isEqualTo("\"from-embedded-s3\"");
            assertThat(codeLocationBytes(cli, "from-bucket")).isEqualTo(first);

            // a new object under the same key, then update-function-code from it
            byte[] second = handlerReturning("second-upload");
            assertSucceeds(cli.run("s3", "cp", cli.file("two.zip", second).toString(), "s3://code/function.zip"));
            assertSucceeds(cli.run("lambda", "update-function-code", "--function-name", "from-bucket",
                    "--s3-bucket", "code", "--s3-key", "function.zip"));
            assertSucceeds(cli.run("lambda", "wait", "function-updated-v2", "--function-name", "from-bucket"));
            assertThat(invoke(cli, "from-bucket")).isEqualTo("\"second-upload\"");
            assertThat(codeLocationBytes(cli, "from-bucket")).isEqualTo(second);

            AwsCli.Result missingKey = cli.run("lambda", "update-function-code", "--function-name", "from-bucket",
                    "--s3-bucket", "code", "--s3-key", "absent.zip");
            assertThat(missingKey.exitCode()).isNotZero();
            assertThat(missingKey.stderr()).contains("(InvalidParameterValueException)").contains(NO_SUCH_KEY);
            AwsCli.Result missingBucket = cli.run("lambda", "create-function", "--function-name", "no-bucket",
                    "--runtime", "python3.12", "--handler", "app.handler", "--role", HearthTestServer.ROLE,
                    "--code", "S3Bucket=absent-bucket,S3Key=function.zip");
            assertThat(missingBucket.stderr()).contains("(InvalidParameterValueException)").contains(NO_SUCH_BUCKET);
            // no object versions: S3's answers for a bucket without versioning
            AwsCli.Result otherVersion = cli.run("lambda", "update-function-code", "--function-name", "from-bucket",
                    "--s3-bucket", "code", "--s3-key", "function.zip", "--s3-object-version", "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd");
            assertThat(otherVersion.stderr()).contains("(InvalidParameterValueException)")
                    .contains("S3 Error Code: InvalidArgument. S3 Error Message: Invalid version id specified");
            assertSucceeds(cli.run("lambda", "update-function-code", "--function-name", "from-bucket",
                    "--s3-bucket", "code", "--s3-key", "function.zip", "--s3-object-version", "null"));
            assertSucceeds(cli.run("lambda", "wait", "function-updated-v2", "--function-name", "from-bucket"));
            assertThat(invoke(cli, "from-bucket")).isEqualTo("\"second-upload\"");

            assertThat(Files.getPosixFilePermissions(dataDir.resolve("s3")))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(dataDir.resolve("s3/shared/code/function.zip")).hasBinaryContent(second);
        }
    }

    @Test
    void boto3UploadsWithItsDefaultChecksumsAndCreatesTheFunction() throws Exception {
        try (HearthTestServer hearth = HearthTestServer.start()) {
            String output = Boto3.run(hearth.endpoint(), """
                    import os, io, zipfile, boto3
                    from botocore.exceptions import ClientError
                    kw = dict(endpoint_url=os.environ['HEARTH'], region_name='us-east-1',
                              aws_access_key_id='boto3-key', aws_secret_access_key='boto3-secret')
                    s3 = boto3.client('s3', **kw)
                    lam = boto3.client('lambda', **kw)
                    buf = io.BytesIO()
                    with zipfile.ZipFile(buf, 'w') as z:
                        z.writestr('app.py', "def handler(event, context):\\n    return 'boto3-s3'\\n")
                    s3.create_bucket(Bucket='boto3-code')
                    s3.put_object(Bucket='boto3-code', Key='f.zip', Body=buf.getvalue())
                    print(s3.get_object(Bucket='boto3-code', Key='f.zip')['Body'].read() == buf.getvalue())
                    lam.create_function(FunctionName='boto3-embedded', Runtime='python3.12', Handler='app.handler',
                                        Role='%s', Code={'S3Bucket': 'boto3-code', 'S3Key': 'f.zip'})
                    lam.get_waiter('function_active_v2').wait(FunctionName='boto3-embedded')
                    print(lam.invoke(FunctionName='boto3-embedded')['Payload'].read().decode())
                    try:
                        s3.get_object(Bucket='boto3-code', Key='absent')
                    except ClientError as e:
                        print(e.response['Error']['Code'])
                    """.formatted(HearthTestServer.ROLE));
            assertThat(output.lines()).containsExactly("True", "\"boto3-s3\"", "NoSuchKey");
        }
    }

    @Test
    void withCredentialsEachAccountHasItsOwnBucketsAndSignaturesAreChecked() throws Exception {
        Path credentials = HearthTestServer.credentialsFile(
                new HearthTestServer.TestKey("alpha", "AKIAALPHAALPHAALPHA1", "alpha-secret", "111122223333"),
                new HearthTestServer.TestKey("beta", "AKIABETABETABETABETA", "beta-secret", "444455556666"));
        byte[] zip = handlerReturning("alpha-code");
        try (HearthTestServer hearth = HearthTestServer.start(Optional.of(credentials));
                S3Client alphaS3 = hearth.s3("AKIAALPHAALPHAALPHA1", "alpha-secret");
                S3Client betaS3 = hearth.s3("AKIABETABETABETABETA", "beta-secret");
                S3Client forger = hearth.s3("AKIAALPHAALPHAALPHA1", "not-the-secret");
                LambdaClient alpha = hearth.client("AKIAALPHAALPHAALPHA1", "alpha-secret");
                LambdaClient beta = hearth.client("AKIABETABETABETABETA", "beta-secret")) {
            alphaS3.createBucket(b -> b.bucket("team-code"));
            alphaS3.putObject(b -> b.bucket("team-code").key("f.zip"), RequestBody.fromBytes(zip));

            assertThat(alphaS3.listBuckets().buckets()).extracting(Bucket::name).containsExactly("team-code");
            assertThat(betaS3.listBuckets().buckets()).isEmpty();
            assertThatThrownBy(() -> betaS3.getObjectAsBytes(b -> b.bucket("team-code").key("f.zip")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket"));
            assertThatThrownBy(() -> forger.listBuckets())
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                    });

            assertThatThrownBy(() -> beta.createFunction(HearthTestServer.pythonFunction("stolen", new byte[0])
                    .code(FunctionCode.builder().s3Bucket("team-code").s3Key("f.zip").build()).build()))
                    .isInstanceOfSatisfying(InvalidParameterValueException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(NO_SUCH_BUCKET));
            alpha.createFunction(HearthTestServer.pythonFunction("own", new byte[0])
                    .code(FunctionCode.builder().s3Bucket("team-code").s3Key("f.zip").build()).build());
            alpha.waiter().waitUntilFunctionActiveV2(b -> b.functionName("own"));
            assertThat(alpha.invoke(b -> b.functionName("own")).payload().asUtf8String()).isEqualTo("\"alpha-code\"");
        }
    }

    private static void assertSucceeds(AwsCli.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    private static String invoke(AwsCli cli, String function) throws Exception {
        AwsCli.Result result = cli.run("lambda", "invoke", "--function-name", function, "out.json");
        assertSucceeds(result);
        return Files.readString(cli.path("out.json"));
    }

    private static byte[] codeLocationBytes(AwsCli cli, String function) throws Exception {
        AwsCli.Result result = cli.run("lambda", "get-function", "--function-name", function,
                "--query", "Code.Location", "--output", "text");
        assertSucceeds(result);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(result.stdout().strip())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
