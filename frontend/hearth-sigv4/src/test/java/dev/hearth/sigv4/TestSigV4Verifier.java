package dev.hearth.sigv4;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

final class TestSigV4Verifier {
    private static final Instant SIGNED_AT = Instant.parse("2026-11-22T08:00:00Z");
    private static final Clock SIGNING_CLOCK = Clock.fixed(SIGNED_AT, ZoneOffset.UTC);
    private static final String KEY_ID = "AKIAHEARTHTEST000001";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYHEARTHKEY";
    private static final AccessKey ACCESS_KEY = new AccessKey(KEY_ID, SECRET, "default");
    private static final AwsCredentialsIdentity IDENTITY = AwsCredentialsIdentity.create(KEY_ID, SECRET);
    private static final String ARN_PATH =
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations";
    private static final byte[] JSON = "{\"key\": \"value\", \"n\": [1, 2, 3]}".getBytes(UTF_8);

    private final SigV4Verifier verifier = verifierAt(SIGNED_AT);

    private static SigV4Verifier verifierAt(Instant now) {
        CredentialsLookup lookup = id -> id.equals(KEY_ID) ? Optional.of(ACCESS_KEY) : Optional.empty();
        return new SigV4Verifier(lookup, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static SdkSigner signer() {
        return new SdkSigner(IDENTITY, SIGNING_CLOCK);
    }

    private static SignedRequest getWithQuery() {
        return signer().sign("GET", "/2015-03-31/functions/",
                linked("Marker", List.of("abc/def=="), "MaxItems", List.of("50"), "FunctionVersion", List.of("ALL")),
                Map.of(), new byte[0]);
    }

    private static SignedRequest postJson() {
        return signer().sign("POST", ARN_PATH, Map.of(),
                linked("Content-Type", List.of("application/json"), "X-Amz-Invocation-Type", List.of("RequestResponse")),
                JSON);
    }

    @Test
    void getWithQueryParametersVerifies() {
        SignedRequest request = getWithQuery();

        VerifiedCaller caller = verifier.verify(request);

        assertThat(request.rawQuery()).contains("Marker=abc%2Fdef%3D%3D");
        assertThat(caller.accessKeyId()).isEqualTo(KEY_ID);
        assertThat(caller.accessKey().owner()).isEqualTo("default");
        assertThat(caller.region()).isEqualTo("us-east-1");
        assertThat(caller.sessionToken()).isEmpty();
    }

    @Test
    void postWithJsonBodyToPercentEncodedArnPathVerifies() {
        SignedRequest request = postJson();

        assertThat(request.rawPath()).isEqualTo(ARN_PATH);
        assertThat(verifier.verify(request).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void bodyGivenAsItsHashVerifies() {
        SignedRequest request = postJson();
        SignedRequest hashed = new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                new SignedRequest.Body.Sha256Hex(request.body().sha256Hex()));

        assertThat(verifier.verify(hashed).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void anyRegionIsAccepted() {
        SignedRequest request = signer().region("eu-west-3").sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);

        assertThat(verifier.verify(request).region()).isEqualTo("eu-west-3");
    }

    @Test
    void headersWithOddSpacingAndSeveralValuesVerify() {
        SignedRequest request = signer().sign("POST", ARN_PATH, Map.of(),
                linked("X-Amz-Client-Context", List.of("   leading and   inner   spaces  "),
                        "X-Hearth-Multi", List.of("  one ", "two  2", "three")),
                JSON);

        assertThat(request.header("x-hearth-multi")).hasSize(3);
        assertThat(verifier.verify(request).accessKeyId()).isEqualTo(KEY_ID);
        // A proxy that refolds whitespace does not break the signature: values are trimmed and folded.
        assertThat(verifier.verify(withHeader(request, "X-Amz-Client-Context", "leading and inner spaces")).accessKeyId())
                .isEqualTo(KEY_ID);
    }

    @Test
    void unsignedHeadersMayChange() {
        SignedRequest request = postJson();
        SignedRequest withExtra = withHeader(request, "X-Forwarded-For", "10.0.0.1");

        assertThat(verifier.verify(withExtra).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void tamperedMethodIsRejected() {
        SignedRequest request = postJson();
        assertMismatch(new SignedRequest("PUT", request.rawPath(), request.rawQuery(), request.headers(), request.body()));
    }

    @Test
    void tamperedPathIsRejected() {
        SignedRequest request = postJson();
        assertMismatch(new SignedRequest(request.method(), request.rawPath().replace("function%3Af", "function%3Ag"),
                request.rawQuery(), request.headers(), request.body()));
        // The same path with the ARN decoded is a different canonical path.
        assertMismatch(new SignedRequest(request.method(), request.rawPath().replace("%3A", ":"),
                request.rawQuery(), request.headers(), request.body()));
    }

    @Test
    void tamperedQueryIsRejected() {
        SignedRequest request = getWithQuery();
        assertMismatch(withQuery(request, request.rawQuery().replace("MaxItems=50", "MaxItems=51")));
        assertMismatch(withQuery(request, request.rawQuery() + "&Extra=1"));
        assertMismatch(withQuery(request, null));
    }

    @Test
    void reorderedQueryStillVerifies() {
        SignedRequest request = getWithQuery();
        List<String> pairs = new ArrayList<>(List.of(request.rawQuery().split("&")));
        Collections.reverse(pairs);

        assertThat(verifier.verify(withQuery(request, String.join("&", pairs))).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void tamperedSignedHeaderIsRejected() {
        SignedRequest request = postJson();
        assertMismatch(withHeader(request, "X-Amz-Invocation-Type", "Event"));
        assertMismatch(withHeader(request, "Host", "localhost:9444"));
    }

    @Test
    void tamperedBodyIsRejected() {
        SignedRequest request = postJson();
        assertMismatch(SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                "{\"key\": \"other\"}".getBytes(UTF_8)));
    }

    @Test
    void wrongSecretIsRejected() {
        SignedRequest request = new SdkSigner(AwsCredentialsIdentity.create(KEY_ID, SECRET + "x"), SIGNING_CLOCK)
                .sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);
        assertMismatch(request);
    }

    @Test
    void tamperedSignatureIsRejected() {
        SignedRequest request = postJson();
        String authorization = request.firstHeader("Authorization");
        char last = authorization.charAt(authorization.length() - 1);
        String changed = authorization.substring(0, authorization.length() - 1) + (last == '0' ? '1' : '0');
        assertMismatch(withHeader(request, "Authorization", changed));
    }

    @Test
    void unknownAccessKeyIsUnrecognized() {
        SignedRequest request = new SdkSigner(AwsCredentialsIdentity.create("AKIAUNKNOWN000000000", SECRET), SIGNING_CLOCK)
                .sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);

        assertRejected(request, LambdaErrorType.UnrecognizedClientException,
                "The security token included in the request is invalid.");
    }

    @Test
    void signatureWithinFifteenMinutesVerifies() {
        SignedRequest request = postJson();

        assertThat(verifierAt(SIGNED_AT.plus(Duration.ofMinutes(14))).verify(request).accessKeyId()).isEqualTo(KEY_ID);
        assertThat(verifierAt(SIGNED_AT.minus(Duration.ofMinutes(14))).verify(request).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void oldSignatureIsExpired() {
        SignedRequest request = postJson();

        assertThatThrownBy(() -> verifierAt(SIGNED_AT.plus(Duration.ofMinutes(16))).verify(request))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidSignatureException);
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo(
                            "Signature expired: 20261122T080000Z is now earlier than 20261122T080100Z (20261122T081600Z - 15 min.)");
                });
    }

    @Test
    void futureSignatureIsNotYetCurrent() {
        SignedRequest request = postJson();

        assertThatThrownBy(() -> verifierAt(SIGNED_AT.minus(Duration.ofMinutes(16))).verify(request))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidSignatureException);
                    assertThat(e.getMessage()).isEqualTo(
                            "Signature not yet current: 20261122T080000Z is still later than 20261122T075900Z (20261122T074400Z + 15 min.)");
                });
    }

    @Test
    void presignedUrlVerifiesUntilItExpires() {
        SignedRequest request = signer().presigned(Duration.ofMinutes(5))
                .sign("GET", "/2015-03-31/functions/", linked("MaxItems", List.of("10")), Map.of(), new byte[0]);

        assertThat(request.firstHeader("Authorization")).isNull();
        assertThat(request.rawQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=300");
        assertThat(verifier.verify(request).accessKeyId()).isEqualTo(KEY_ID);
        assertThat(verifierAt(SIGNED_AT.plus(Duration.ofMinutes(5))).verify(request).accessKeyId()).isEqualTo(KEY_ID);
        assertThatThrownBy(() -> verifierAt(SIGNED_AT.plus(Duration.ofMinutes(6))).verify(request))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidSignatureException);
                    assertThat(e.getMessage()).isEqualTo(
                            "Signature expired: 20261122T080000Z is now earlier than 20261122T080100Z (20261122T080600Z - 300 sec.)");
                });
    }

    @Test
    void tamperedPresignedUrlIsRejected() {
        SignedRequest request = signer().presigned(Duration.ofMinutes(5))
                .sign("GET", "/2015-03-31/functions/", linked("MaxItems", List.of("10")), Map.of(), new byte[0]);

        assertMismatch(withQuery(request, request.rawQuery().replace("MaxItems=10", "MaxItems=11")));
        assertMismatch(withQuery(request, request.rawQuery().replace("X-Amz-Expires=300", "X-Amz-Expires=600")));
    }

    @Test
    void presignedPostWithBodyVerifies() {
        SignedRequest request = signer().presigned(Duration.ofMinutes(5)).sign("POST", ARN_PATH, Map.of(), Map.of(), JSON);

        assertThat(verifier.verify(request).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void sessionCredentialsVerifyAndReportTheToken() {
        AwsSessionCredentialsIdentity session = AwsSessionCredentialsIdentity.create(KEY_ID, SECRET, "FwoGZXIvYXdzEHearthToken==");
        SignedRequest request = new SdkSigner(session, SIGNING_CLOCK).sign("POST", ARN_PATH, Map.of(),
                linked("Content-Type", List.of("application/json")), JSON);

        assertThat(request.firstHeader("X-Amz-Security-Token")).isEqualTo("FwoGZXIvYXdzEHearthToken==");
        assertThat(request.firstHeader("Authorization")).contains("x-amz-security-token");
        assertThat(verifier.verify(request).sessionToken()).contains("FwoGZXIvYXdzEHearthToken==");
        assertMismatch(withHeader(request, "X-Amz-Security-Token", "FwoGZXIvYXdzEOtherToken=="));
    }

    @Test
    void presignedSessionCredentialsVerify() {
        AwsSessionCredentialsIdentity session = AwsSessionCredentialsIdentity.create(KEY_ID, SECRET, "token/with+chars=");
        SignedRequest request = new SdkSigner(session, SIGNING_CLOCK).presigned(Duration.ofMinutes(1))
                .sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);

        assertThat(verifier.verify(request).sessionToken()).contains("token/with+chars=");
    }

    @Test
    void unsignedPayloadIsRefusedOnHeaderSignedRequests() {
        SignedRequest request = signer().unsignedPayload().sign("POST", ARN_PATH, Map.of(), Map.of(), JSON);

        assertThat(request.firstHeader("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
        assertMismatch(request);
        assertMismatch(withHeader(request, "x-amz-content-sha256", Sha256.hex(JSON)));
    }

    @Test
    void unsignedAmzHeaderIsAccessDenied() {
        SignedRequest request = postJson();

        for (String header : List.of("X-Amz-Log-Type", "X-Amz-Client-Context", "X-Amz-Whatever")) {
            assertThatThrownBy(() -> verifier.verify(withHeader(request, header, "Tail")))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException);
                        assertThat(e.getMessage()).isEqualTo("There were headers present in the request which were not signed");
                    });
        }
    }

    @Test
    void amzHeaderLeftOutOfSignedHeadersIsAccessDenied() {
        SignedRequest request = postJson();
        String authorization = request.firstHeader("Authorization")
                .replace(";x-amz-invocation-type", "");
        assertThat(authorization).doesNotContain("x-amz-invocation-type");

        assertThatThrownBy(() -> verifier.verify(withHeader(request, "Authorization", authorization)))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException));
    }

    @Test
    void unsignedAmznTraceIdAndContentHashAreAllowed() {
        SignedRequest request = postJson();
        SignedRequest traced = withHeader(request, "X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793");

        assertThat(verifier.verify(traced).accessKeyId()).isEqualTo(KEY_ID);
        assertThat(verifier.verify(withHeader(traced, "x-amz-content-sha256", Sha256.hex(JSON))).accessKeyId())
                .isEqualTo(KEY_ID);
    }

    @Test
    void declaredContentHashMustMatchTheBody() {
        SignedRequest request = signer().sign("POST", ARN_PATH, Map.of(),
                linked("x-amz-content-sha256", List.of(Sha256.hex(JSON))), JSON);

        assertThat(verifier.verify(request).accessKeyId()).isEqualTo(KEY_ID);
        assertMismatch(SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                "other".getBytes(UTF_8)));
    }

    @Test
    void otherServiceScopeIsRejected() {
        SignedRequest request = signer().service("execute-api").sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);

        assertRejected(request, LambdaErrorType.InvalidSignatureException, "Credential should be scoped to correct service: 'lambda'. ");
    }

    @Test
    void scopeDateMustMatchTheSigningDate() {
        SignedRequest request = postJson();
        String authorization = request.firstHeader("Authorization").replace("/20261122/", "/20261121/");

        assertRejected(withHeader(request, "Authorization", authorization), LambdaErrorType.InvalidSignatureException,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                        + "'20261121' != '20261122', from '20261122T080000Z'.");
    }

    @Test
    void unsignedRequestIsMissingAuthenticationToken() {
        SignedRequest request = SignedRequest.of("GET", "/2015-03-31/functions/", null, Map.of("Host", List.of("localhost")), new byte[0]);

        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo("Missing Authentication Token");
                });
    }

    @Test
    void authorizationWithoutSignatureIsIncomplete() {
        SignedRequest request = postJson();
        String authorization = request.firstHeader("Authorization");
        String withoutSignature = authorization.substring(0, authorization.indexOf(", Signature="));

        assertIncomplete(withHeader(request, "Authorization", withoutSignature),
                "Authorization header requires 'Signature' parameter. Authorization=" + withoutSignature);
    }

    @Test
    void authorizationWithoutDateIsIncomplete() {
        SignedRequest request = postJson();
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.remove("x-amz-date");

        assertIncomplete(new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body()),
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=");
    }

    @Test
    void authorizationPairWithoutEqualsSignIsIncomplete() {
        SignedRequest request = postJson();
        String broken = request.firstHeader("Authorization").replace("Credential=", "Credential ");

        assertIncomplete(withHeader(request, "Authorization", broken), "not a valid key=value pair (missing equal-sign) in Authorization header");
    }

    @Test
    void otherAlgorithmIsIncomplete() {
        SignedRequest request = withHeader(postJson(), "Authorization", "Bearer abc.def.ghi");

        assertIncomplete(request, "Unsupported AWS 'algorithm': 'Bearer'");
    }

    @Test
    void malformedCredentialIsIncomplete() {
        SignedRequest request = postJson();
        String broken = request.firstHeader("Authorization").replace("/us-east-1/", "/");

        assertIncomplete(withHeader(request, "Authorization", broken), "the Credential is mal-formed");
    }

    @Test
    void signedHeaderMissingFromRequestIsIncomplete() {
        SignedRequest request = postJson();
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.remove("x-amz-invocation-type");

        assertIncomplete(new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body()),
                "'x-amz-invocation-type' is named as a SignedHeader, but it does not exist in the HTTP request.");
    }

    @Test
    void hostMustBeSigned() {
        SignedRequest request = postJson();
        String authorization = request.firstHeader("Authorization").replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;");

        assertThat(authorization).doesNotContain(";host;");
        assertIncomplete(withHeader(request, "Authorization", authorization), "'Host' or ':authority' must be a 'SignedHeader'");
    }

    @Test
    void presignedQueryMissingParametersIsIncomplete() {
        SignedRequest request = signer().presigned(Duration.ofMinutes(5)).sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);
        String withoutSignature = request.rawQuery().replaceAll("&?X-Amz-Signature=[0-9a-f]+", "");

        assertIncomplete(withQuery(request, withoutSignature), "missing X-Amz-Signature");
    }

    @Test
    void bothAuthorizationHeaderAndPresignedQueryIsIncomplete() {
        SignedRequest presigned = signer().presigned(Duration.ofMinutes(5)).sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);
        SignedRequest header = signer().sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]);

        assertIncomplete(withHeader(presigned, "Authorization", header.firstHeader("Authorization")), "Only one auth mechanism allowed");
    }

    @Test
    void signingKeyIsDerivedOncePerScope() {
        verifier.verify(postJson());
        verifier.verify(getWithQuery());
        assertThat(verifier.cachedSigningKeys()).isEqualTo(1);

        verifier.verify(signer().region("ap-south-1").sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]));
        assertThat(verifier.cachedSigningKeys()).isEqualTo(2);
    }

    @Test
    void oneVerifierServesManyThreads() throws Exception {
        List<SignedRequest> requests = List.of(postJson(), getWithQuery(),
                signer().region("eu-central-1").sign("GET", "/2015-03-31/functions/", Map.of(), Map.of(), new byte[0]));
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                SignedRequest request = requests.get(i % requests.size());
                results.add(threads.submit(() -> verifier.verify(request).accessKeyId()));
            }
            for (Future<String> result : results) {
                assertThat(result.get()).isEqualTo(KEY_ID);
            }
        }
        assertThat(verifier.cachedSigningKeys()).isEqualTo(2);
    }

    private void assertMismatch(SignedRequest request) {
        assertRejected(request, LambdaErrorType.InvalidSignatureException, SignatureRejections.MISMATCH_MESSAGE);
    }

    private void assertRejected(SignedRequest request, LambdaErrorType type, String message) {
        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(type);
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    private void assertIncomplete(SignedRequest request, String messagePart) {
        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    private static SignedRequest withHeader(SignedRequest request, String name, String value) {
        return withHeaders(request, headers -> {
            headers.put(name.toLowerCase(Locale.ROOT), List.of(value));
            return headers;
        });
    }

    private static SignedRequest withHeaders(SignedRequest request, UnaryOperator<Map<String, List<String>>> change) {
        Map<String, List<String>> headers = change.apply(new LinkedHashMap<>(request.headers()));
        return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body());
    }

    private static SignedRequest withQuery(SignedRequest request, String rawQuery) {
        return new SignedRequest(request.method(), request.rawPath(), rawQuery, request.headers(), request.body());
    }

    private static Map<String, List<String>> linked(Object... namesAndValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) namesAndValues[i + 1];
            map.put((String) namesAndValues[i], values);
        }
        return map;
    }
}
