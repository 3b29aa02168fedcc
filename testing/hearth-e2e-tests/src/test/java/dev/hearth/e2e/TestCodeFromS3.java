package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.server.CodeS3Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 15: CreateFunction and UpdateFunctionCode from {@code S3Bucket}/{@code S3Key}, read from a
 * real S3-compatible server (S3Proxy, in its own process), driven by the AWS SDK for Java v2, the
 * AWS CLI v2 and boto3; Lambda's errors for a missing bucket or key; nothing stored when the read fails.
 */
@Timeout(600)
final class TestCodeFromS3 {
    private static final String NO_SUCH_KEY = "Error occurred while GetObject. S3 Error Code: NoSuchKey."
            + " S3 Error Message: The specified key does not exist.";
    private static final String NO_SUCH_BUCKET = "Error occurred while GetObject. S3 Error Code: NoSuchBucket."
            + " S3 Error Message: The specified bucket does not exist";

    private static S3ProxyServer s3proxy;
    private static HearthTestServer hearth;
    private static S3Client s3;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() throws Exception {
        s3proxy = S3ProxyServer.start();
        hearth = HearthTestServer.start(Optional.empty(), config -> {
            try {
                return config.withCodeS3(Optional.of(s3proxy.hearthConfig()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        s3 = s3proxy.client();
        lambda = hearth.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (lambda != null) {
            lambda.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (hearth != null) {
            hearth.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    private static byte[] handlerReturning(String value) {
        return pythonZip("def handler(event, context):\n    return '" + value + "'\n");
    }

    private static void put(String bucket, String key, byte[] content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    private static String invoke(String function) {
        return lambda.invoke(b -> b.functionName(function)).payload().asUtf8String();
    }

    @Test
    void sdkCreatesFromS3UpdatesFromANewObjectAndCodeLocationServesTheUploadedZip() throws Exception {
        s3.createBucket(b -> b.bucket("sdk-code"));
        byte[] first = handlerReturning("from-s3-v1");
        put("sdk-code", "v1/function.zip", first);

        lambda.createFunction(pythonFunction("sdk-s3", first)
                .code(FunctionCode.builder().s3Bucket("sdk-code").s3Key("v1/function.zip").build()).build());
        assertThat(invoke("sdk-s3")).isEqualTo("\"from-s3-v1\"");
        assertThat(download(lambda.getFunction(b -> b.functionName("sdk-s3")))).isEqualTo(first);

        byte[] second = handlerReturning("from-s3-v2");
        put("sdk-code", "v2/function.zip", second);
        lambda.updateFunctionCode(b -> b.functionName("sdk-s3").s3Bucket("sdk-code").s3Key("v2/function.zip"));
        assertThat(invoke("sdk-s3")).isEqualTo("\"from-s3-v2\"");
        assertThat(download(lambda.getFunction(b -> b.functionName("sdk-s3")))).isEqualTo(second);
    }

    @Test
    void missingBucketOrKeyIsLambdasErrorAndStoresNothing() {
        s3.createBucket(b -> b.bucket("sdk-errors"));
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("missing-key", new byte[0])
                .code(FunctionCode.builder().s3Bucket("sdk-errors").s3Key("nothing-here.zip").build()).build()))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(NO_SUCH_KEY);
                });
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("missing-key")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("missing-bucket", new byte[0])
                .code(FunctionCode.builder().s3Bucket("no-such-bucket-here").s3Key("function.zip").build()).build()))
                .isInstanceOfSatisfying(InvalidParameterValueException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(NO_SUCH_BUCKET));

        byte[] zip = handlerReturning("kept");
        lambda.createFunction(pythonFunction("kept-code", zip).build());
        String before = lambda.getFunction(b -> b.functionName("kept-code")).configuration().codeSha256();
        assertThatThrownBy(() -> lambda.updateFunctionCode(b -> b.functionName("kept-code")
                .s3Bucket("sdk-errors").s3Key("absent.zip")))
                .isInstanceOfSatisfying(InvalidParameterValueException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(NO_SUCH_KEY));
        assertThat(lambda.getFunction(b -> b.functionName("kept-code")).configuration().codeSha256()).isEqualTo(before);
        assertThat(invoke("kept-code")).isEqualTo("\"kept\"");

        put("sdk-errors", "not-a-zip.zip", "plain text".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> lambda.updateFunctionCode(b -> b.functionName("kept-code")
                .s3Bucket("sdk-errors").s3Key("not-a-zip.zip")))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThat(lambda.getFunction(b -> b.functionName("kept-code")).configuration().codeSha256()).isEqualTo(before);
    }

    @Test
    void zipFileAndS3TogetherAreRefused() {
        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("both", new byte[0])
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(handlerReturning("x")))
                        .s3Bucket("sdk-code").s3Key("v1/function.zip").build()).build()))
                .isInstanceOf(InvalidParameterValueException.class);
    }

    @Test
    void awsCliCopiesToS3ThenCreatesTheFunctionFromTheBucket() throws Exception {
        AwsCli s3Cli = new AwsCli(s3proxy.endpoint().toString(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        AwsCli lambdaCli = new AwsCli(hearth.endpoint(), "test-key", "test-secret");
        AwsCli.Result made = s3Cli.run("s3", "mb", "s3://cli-code");
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        AwsCli.Result copied = s3Cli.run("s3", "cp", s3Cli.file("function.zip", handlerReturning("from-cli")).toString(),
                "s3://cli-code/function.zip");
        assertThat(copied.exitCode()).as(copied.stderr()).isZero();

        AwsCli.Result created = lambdaCli.run("lambda", "create-function", "--function-name", "cli-s3",
                "--runtime", "python3.12", "--handler", "app.handler", "--role", HearthTestServer.ROLE,
                "--code", "S3Bucket=cli-code,S3Key=function.zip");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(invoke("cli-s3")).isEqualTo("\"from-cli\"");

        AwsCli.Result missing = lambdaCli.run("lambda", "update-function-code", "--function-name", "cli-s3",
                "--s3-bucket", "cli-code", "--s3-key", "missing.zip");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("An error occurred (InvalidParameterValueException) when calling the"
                + " UpdateFunctionCode operation").contains(": " + NO_SUCH_KEY);
    }

    @Test
    void boto3CreatesAndUpdatesFromS3AndSeesLambdasErrors() throws Exception {
        String output = Boto3.run(hearth.endpoint(), """
                import os, boto3, io, zipfile
                from botocore.config import Config
                from botocore.exceptions import ClientError
                # S3Proxy refuses the newer checksum headers boto3 adds by default
                s3 = boto3.client('s3', endpoint_url='%s', region_name='us-east-1',
                                  aws_access_key_id='%s', aws_secret_access_key='%s',
                                  config=Config(request_checksum_calculation='when_required',
                                                response_checksum_validation='when_required'))
                lam = boto3.client('lambda', endpoint_url=os.environ['HEARTH'], region_name='us-east-1',
                                   aws_access_key_id='test-key', aws_secret_access_key='test-secret')
                def package(value):
                    buf = io.BytesIO()
                    with zipfile.ZipFile(buf, 'w') as z:
                        z.writestr('app.py', "def handler(event, context):\\n    return '%%s'\\n" %% value)
                    return buf.getvalue()
                s3.create_bucket(Bucket='boto3-code')
                s3.put_object(Bucket='boto3-code', Key='one.zip', Body=package('boto3-one'))
                s3.put_object(Bucket='boto3-code', Key='two.zip', Body=package('boto3-two'))
                lam.create_function(FunctionName='boto3-s3', Runtime='python3.12', Handler='app.handler',
                                    Role='%s', Code={'S3Bucket': 'boto3-code', 'S3Key': 'one.zip'})
                print(lam.invoke(FunctionName='boto3-s3')['Payload'].read().decode())
                lam.update_function_code(FunctionName='boto3-s3', S3Bucket='boto3-code', S3Key='two.zip')
                print(lam.invoke(FunctionName='boto3-s3')['Payload'].read().decode())
                for bucket, key in (('boto3-code', 'absent.zip'), ('absent-bucket', 'one.zip')):
                    try:
                        lam.update_function_code(FunctionName='boto3-s3', S3Bucket=bucket, S3Key=key)
                        print('no error')
                    except ClientError as e:
                        print(e.response['Error']['Code'] + ': ' + e.response['Error']['Message'])
                """.formatted(s3proxy.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, HearthTestServer.ROLE));
        assertThat(output.lines()).containsExactly(
                "\"boto3-one\"",
                "\"boto3-two\"",
                "InvalidParameterValueException: " + NO_SUCH_KEY,
                "InvalidParameterValueException: " + NO_SUCH_BUCKET);
    }

    @Test
    void theServerCommandReadsS3CodeFromItsOptionsAndHandsOutItsPublicUrl(@TempDir Path dataDir) throws Exception {
        byte[] zip = handlerReturning("from-the-jar");
        s3.createBucket(b -> b.bucket("jar-code"));
        put("jar-code", "function.zip", zip);
        CodeS3Config store = s3proxy.hearthConfig();
        try (HearthProcess server = HearthProcess.start(Map.of("HEARTH_PUBLIC_URL", "https://hearth.example.test/"),
                List.of("--port", "0", "--data-dir", dataDir.toString(), "--sandbox", "process",
                        "--code-s3-endpoint", s3proxy.endpoint().toString(),
                        "--code-s3-credentials", store.credentialsFile().orElseThrow().toString(),
                        "--code-s3-profile", store.profile().orElseThrow()));
                LambdaClient client = LambdaClient.builder().endpointOverride(URI.create(server.awaitEndpoint()))
                        .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                        .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            client.createFunction(pythonFunction("jar-s3", zip)
                    .code(FunctionCode.builder().s3Bucket("jar-code").s3Key("function.zip").build()).build());
            GetFunctionResponse function = client.getFunction(b -> b.functionName("jar-s3"));
            assertThat(function.code().location()).startsWith("https://hearth.example.test/hearth/code/");
            assertThat(function.configuration().codeSize()).isEqualTo(zip.length);
        }
    }

    private static byte[] download(GetFunctionResponse function) throws Exception {
        assertThat(function.code().location()).startsWith(hearth.endpoint() + "/");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(function.code().location())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
