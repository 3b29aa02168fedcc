package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * With credentials configured, a signature covers what the request does: every {@code x-amz-*}
 * header must be signed, {@code UNSIGNED-PAYLOAD} is refused, and the credential scope's service and
 * region decide which API serves the request and where it acts. Requests are signed with the AWS SDK
 * for Java v2's own signer and sent raw, so that they can differ from what the SDK would send.
 */
final class TestSignedHeadersAndScope {
    private static final String KEY_ID = "AKIDHEARTHTEST";
    private static final String SECRET = "right-secret";
    private static final AwsCredentialsIdentity IDENTITY = AwsCredentialsIdentity.create(KEY_ID, SECRET);
    private static final String INVOKE_PATH = "/2015-03-31/functions/echo/invocations";
    private static final byte[] EVENT = "{\"n\":1}".getBytes(UTF_8);

    private static HearthTestServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path credentials = Files.createTempFile("hearth-credentials", "");
        Files.writeString(credentials, "[default]\naws_access_key_id = " + KEY_ID + "\naws_secret_access_key = " + SECRET + "\n");
        server = HearthTestServer.start(Optional.of(credentials));
        try (LambdaClient lambda = server.client(KEY_ID, SECRET)) {
            lambda.createFunction(pythonFunction("echo", pythonZip("def handler(e, c):\n    return e\n")).build());
            lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("echo"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aSignedInvokeRuns() throws Exception {
        HttpResponse<String> response = send(sign("us-east-1", "lambda", Map.of("X-Amz-Log-Type", "Tail"), false), Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"n\": 1}");
        assertThat(response.headers().firstValue("X-Amz-Log-Result")).isPresent();
    }

    @Test
    void anXAmzHeaderAddedAfterSigningIsAccessDenied() throws Exception {
        SdkHttpRequest signed = sign("us-east-1", "lambda", Map.of(), false);
        for (String header : Set.of("X-Amz-Log-Type", "X-Amz-Invocation-Type", "X-Amz-Client-Context")) {
            String value = switch (header) {
                case "X-Amz-Log-Type" -> "Tail";
                case "X-Amz-Invocation-Type" -> "Event";
                default -> "e30=";
            };
            HttpResponse<String> response = send(signed, Map.of(header, value));

            assertThat(response.statusCode()).as(header).isEqualTo(403);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).as(header).contains("AccessDeniedException");
            assertThat(response.body()).contains("There were headers present in the request which were not signed");
        }
    }

    @Test
    void unsignedPayloadIsRefused() throws Exception {
        SdkHttpRequest signed = sign("us-east-1", "lambda", Map.of(), true);
        assertThat(signed.firstMatchingHeader("x-amz-content-sha256")).contains("UNSIGNED-PAYLOAD");
        HttpResponse<String> response = send(signed, Map.of());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
    }

    @Test
    void anInvokeSignedForLogsDoesNotInvoke() throws Exception {
        HttpResponse<String> response = send(sign("us-east-1", "logs", Map.of("X-Amz-Log-Type", "Tail"), false), Map.of());

        assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
        assertThat(response.headers().firstValue("X-Amz-Executed-Version")).isEmpty();
        assertThat(response.headers().firstValue("X-Amz-Log-Result")).isEmpty();
    }

    @Test
    void anInvokeSignedForAnotherRegionActsInThatRegion() throws Exception {
        HttpResponse<String> elsewhere = send(sign("eu-west-1", "lambda", Map.of(), false), Map.of());
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(404);
        assertThat(elsewhere.headers().firstValue("x-amzn-ErrorType")).contains("ResourceNotFoundException");
        assertThat(elsewhere.body()).contains("arn:aws:lambda:eu-west-1:");

        try (LambdaClient ireland = server.client(KEY_ID, SECRET, Region.EU_WEST_1)) {
            ireland.createFunction(pythonFunction("echo", pythonZip("def handler(e, c):\n    return {'region': 'eu'}\n")).build());
            ireland.waiter().waitUntilFunctionActiveV2(r -> r.functionName("echo"));
        }
        HttpResponse<String> inIreland = send(sign("eu-west-1", "lambda", Map.of(), false), Map.of());
        assertThat(inIreland.statusCode()).as(inIreland.body()).isEqualTo(200);
        assertThat(inIreland.body()).isEqualTo("{\"region\": \"eu\"}");
    }

    /** An Invoke of {@code echo} with {@code headers}, signed by the SDK's signer for {@code region} and {@code service}. */
    private static SdkHttpRequest sign(String region, String service, Map<String, String> headers, boolean unsignedPayload) {
        // The SDK's signer only leaves the payload unsigned over HTTPS: sign for the same host and
        // port with https, send over http (the Host header is the same).
        String endpoint = unsignedPayload ? server.endpoint().replaceFirst("^http:", "https:") : server.endpoint();
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create(endpoint + INVOKE_PATH))
                .putHeader("Content-Type", "application/json");
        headers.forEach(request::putHeader);
        return AwsV4HttpSigner.create().sign(r -> {
            r.identity(IDENTITY)
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(EVENT))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region);
            if (unsignedPayload) {
                r.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false);
            }
        }).request();
    }

    /** Sends {@code signed} with {@code extra} headers added after signing. */
    private static HttpResponse<String> send(SdkHttpRequest signed, Map<String, String> extra) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.endpoint() + signed.getUri().getRawPath()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(EVENT));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        extra.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
