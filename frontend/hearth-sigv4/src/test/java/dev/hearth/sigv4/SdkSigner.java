package dev.hearth.sigv4;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs requests with the AWS SDK for Java v2's own SigV4 signer and turns the result into the
 * {@link SignedRequest} an HTTP layer would build from the bytes on the wire.
 */
final class SdkSigner {
    static final String ENDPOINT = "https://localhost:9443";

    private final AwsCredentialsIdentity identity;
    private final Clock clock;
    private String region = "us-east-1";
    private String service = "lambda";
    private Duration presignedFor;
    private boolean payloadSigning = true;

    SdkSigner(AwsCredentialsIdentity identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
    }

    SdkSigner region(String value) {
        region = value;
        return this;
    }

    SdkSigner service(String value) {
        service = value;
        return this;
    }

    /** Sign as a presigned URL valid for {@code expires} instead of with an Authorization header. */
    SdkSigner presigned(Duration expires) {
        presignedFor = expires;
        return this;
    }

    SdkSigner unsignedPayload() {
        payloadSigning = false;
        return this;
    }

    /**
     * Signs {@code method encodedPath?query} with {@code headers} and {@code body}.
     *
     * @param encodedPath the path as the SDK would send it, already percent-encoded
     * @param query unencoded query parameters (the SDK encodes them), in insertion order
     */
    SignedRequest sign(String method, String encodedPath, Map<String, List<String>> query,
            Map<String, List<String>> headers, byte[] body) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(ENDPOINT))
                .encodedPath(encodedPath);
        query.forEach(unsigned::putRawQueryParameter);
        headers.forEach(unsigned::putHeader);
        SdkHttpRequest request = unsigned.build();

        SignRequest.Builder<AwsCredentialsIdentity> signRequest = SignRequest.builder(identity)
                .request(request)
                .payload(() -> new ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock);
        if (!payloadSigning) {
            signRequest.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false);
        }
        if (presignedFor != null) {
            signRequest.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, presignedFor);
        }
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(signRequest.build()).request();

        URI uri = signed.getUri();
        Map<String, List<String>> wireHeaders = new LinkedHashMap<>();
        signed.headers().forEach((name, values) -> wireHeaders.put(name, new ArrayList<>(values)));
        if (signed.firstMatchingHeader("Host").isEmpty()) {
            wireHeaders.put("Host", List.of(uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort()));
        }
        return SignedRequest.of(signed.method().name(), uri.getRawPath(), uri.getRawQuery(), wireHeaders, body);
    }
}
