package dev.hearth.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * A request to one of Hearth's own HTTP routes (those the AWS SDKs have no client for, such as
 * {@code /hearth/dlq}), signed with SigV4 like the SDKs' requests when AWS credentials are available,
 * so it passes a server that verifies signatures.
 */
final class HearthApiRequest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HearthApiRequest() {}

    record Response(int status, String body) {}

    static Response send(ClientOptions client, String method, String pathAndQuery, byte[] body) throws IOException, InterruptedException {
        URI uri = client.endpoint.resolve(pathAndQuery);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader("Content-Type", "application/json").build();
        SdkHttpRequest request = credentials().map(c -> signed(unsigned, body, c, client.region)).orElse(unsigned);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /**
     * Sends a signed (when credentials are available) request with extra headers and returns the
     * answer's body as a stream, read as it arrives; the caller closes it.
     */
    static HttpResponse<InputStream> stream(ClientOptions client, String method, String pathAndQuery,
            Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        URI uri = client.endpoint.resolve(pathAndQuery);
        SdkHttpRequest.Builder unsignedBuilder = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader("Content-Type", "application/json");
        headers.forEach(unsignedBuilder::putHeader);
        SdkHttpRequest unsigned = unsignedBuilder.build();
        SdkHttpRequest request = credentials().map(c -> signed(unsigned, body, c, client.region)).orElse(unsigned);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static SdkHttpRequest signed(SdkHttpRequest request, byte[] body, AwsCredentials credentials, String region) {
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        return signed.request();
    }

    private static Optional<AwsCredentials> credentials() {
        try (DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build()) {
            return Optional.of(provider.resolveCredentials());
        } catch (RuntimeException noCredentials) {
            return Optional.empty();
        }
    }
}
