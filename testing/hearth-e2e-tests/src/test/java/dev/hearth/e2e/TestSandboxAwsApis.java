package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * Issue 18: a function reaches Hearth's own AWS APIs at one address, its {@code AWS_ENDPOINT_URL}
 * (its Runtime API's address), with temporary credentials of its own in {@code AWS_ACCESS_KEY_ID}/
 * {@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}, acting as its account; every such call is
 * SigV4-verified although this server runs without {@code --credentials}. The function is real
 * boto3 (Debian's, inside the sandbox) on the default backend.
 */
@Timeout(600)
final class TestSandboxAwsApis {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String HANDLER = """
            import os, json, boto3
            from botocore.config import Config
            from botocore.exceptions import ClientError

            def client(service, **kw):
                return boto3.client(service, endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name=os.environ['AWS_REGION'],
                                    config=Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}), **kw)

            def error(call):
                try:
                    call()
                    return 'no error'
                except ClientError as e:
                    return e.response['Error']['Code']

            def handler(event, context):
                lam = client('lambda')
                s3 = client('s3')
                s3.create_bucket(Bucket='from-a-sandbox')
                s3.put_object(Bucket='from-a-sandbox', Key='k', Body=b'written inside')
                forged = client('lambda', aws_access_key_id='AKIAFORGEDKEY0000000', aws_secret_access_key='x')
                wrong_token = client('lambda', aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'],
                                     aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'], aws_session_token='not-mine')
                return {
                    'endpoint': os.environ['AWS_ENDPOINT_URL'],
                    'key': os.environ['AWS_ACCESS_KEY_ID'],
                    'secret': os.environ['AWS_SECRET_ACCESS_KEY'],
                    'token': os.environ['AWS_SESSION_TOKEN'],
                    'functions': sorted(f['FunctionName'] for f in lam.list_functions()['Functions']),
                    'other': json.loads(lam.invoke(FunctionName='callee', Payload=b'{"n": 41}')['Payload'].read()),
                    'object': s3.get_object(Bucket='from-a-sandbox', Key='k')['Body'].read().decode(),
                    'forged': error(lambda: forged.list_functions()),
                    'wrongToken': error(lambda: wrong_token.list_functions()),
                }
            """;

    @Test
    void aFunctionCallsHearthsApisWithItsOwnVerifiedCredentials() throws Exception {
        try (HearthTestServer hearth = HearthTestServer.start(); LambdaClient lambda = hearth.client()) {
            lambda.createFunction(HearthTestServer.pythonFunction("callee", HearthTestServer.pythonZip(
                    "def handler(event, context):\n    return {'n': event['n'] + 1}\n")).build());
            lambda.createFunction(HearthTestServer.pythonFunction("caller", HearthTestServer.pythonZip(HANDLER))
                    .timeout(60).memorySize(256).build());
            lambda.waiter().waitUntilFunctionActiveV2(b -> b.functionName("caller"));

            String payload = lambda.invoke(b -> b.functionName("caller")).payload().asUtf8String();
            JsonNode out = JSON.readTree(payload);
            assertThat(out.path("endpoint").asText()).as(payload).startsWith("http://");
            assertThat(out.path("key").asText()).matches("ASIA[A-Z2-7]{16}");
            assertThat(out.path("functions")).extracting(JsonNode::asText).containsExactly("callee", "caller");
            assertThat(out.path("other").path("n").asInt()).isEqualTo(42);
            assertThat(out.path("object").asText()).isEqualTo("written inside");
            assertThat(out.path("forged").asText()).isEqualTo("AccessDeniedException");
            assertThat(out.path("wrongToken").asText()).isEqualTo("UnrecognizedClientException");

            // the sandbox's key is verified at Hearth's own endpoint too, although it checks no other signature
            String key = out.path("key").asText();
            try (LambdaClient wrongSecret = client(hearth, AwsSessionCredentials.create(key, "not-the-secret", out.path("token").asText()));
                    LambdaClient noToken = client(hearth, AwsBasicCredentials.create(key, out.path("secret").asText()));
                    LambdaClient leaked = client(hearth, AwsSessionCredentials.create(key, out.path("secret").asText(),
                            out.path("token").asText()))) {
                assertThatThrownBy(() -> wrongSecret.listFunctions()).isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
                assertThatThrownBy(() -> noToken.listFunctions()).isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
                assertThat(leaked.listFunctions().functions()).hasSize(2);
            }
        }
    }

    private static LambdaClient client(HearthTestServer hearth, software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return LambdaClient.builder().endpointOverride(URI.create(hearth.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
