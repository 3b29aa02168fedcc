package dev.hearth.sigv4;

import dev.hearth.core.LambdaException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies AWS Signature Version 4 on incoming requests, in the header form
 * ({@code Authorization: AWS4-HMAC-SHA256 ...}) and the presigned query form
 * ({@code X-Amz-Algorithm=AWS4-HMAC-SHA256&...}), canonicalised as AWS specifies for services other
 * than S3. Any region is accepted (the request acts in it); the scope's service must be one of {@link #SERVICES}.
 *
 * <p>Thread-safe: one instance serves all request threads. It keeps a bounded cache of derived
 * signing keys; otherwise it holds no state. Time only comes from the injected {@link Clock}.
 *
 * <p>Failures are thrown as {@link LambdaException} with AWS's error type and message:
 * unknown key id, wrong signature (any change to method, path, query, signed headers or body, or a
 * wrong secret), a signing time more than 15 minutes from now (or past a presigned URL's expiry),
 * a missing or malformed signature. Nothing is logged.
 */
public final class SigV4Verifier {
    /**
     * The signing names of the APIs Hearth serves: Lambda's, and CloudWatch Logs' (function logs);
     * other services' scopes are rejected.
     */
    public static final Set<String> SERVICES = Set.of("lambda", "logs", "sqs", "scheduler");
    /** How far a request's signing time may be from the verifier's clock, in either direction. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final String AMZ_HEADER_PREFIX = "x-amz-";
    private static final String CONTENT_SHA256 = "x-amz-content-sha256";

    private final CredentialsLookup credentials;
    private final Clock clock;
    private final SigningKeyCache signingKeys = new SigningKeyCache();

    public SigV4Verifier(CredentialsLookup credentials, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Verifies {@code request}'s signature and returns who made it.
     *
     * @throws LambdaException {@code UnrecognizedClientException} for an unknown access key id,
     *     {@code InvalidSignatureException} for a wrong, expired or not yet current signature (and for
     *     {@code UNSIGNED-PAYLOAD} on a header-signed request), {@code AccessDeniedException} when an
     *     {@code x-amz-*} header present was not signed, and
     *     (until core has their exact types) the nearest 403 types for a missing or malformed one
     */
    public VerifiedCaller verify(SignedRequest request) {
        Objects.requireNonNull(request, "request");
        QueryParameters query = QueryParameters.parse(request.rawQuery());
        SignatureParameters signature = SignatureParser.parse(request, query);
        AccessKey key = checkHead(request, signature);
        boolean presigned = presigned(signature);
        String canonicalQuery = query.canonical(presigned);
        byte[] signingKey = signingKeys.signingKey(key.secretAccessKey(), signature.scope());
        byte[] expected = signature.signature().getBytes(StandardCharsets.US_ASCII);
        for (String payloadHash : payloadHashCandidates(request, presigned)) {
            String canonical = CanonicalRequest.of(request, canonicalQuery, signature.signedHeaders(), payloadHash);
            String stringToSign = SignatureParser.ALGORITHM + "\n" + signature.amzDate() + "\n"
                    + signature.scope().scopeLine() + "\n" + Sha256.hex(canonical);
            byte[] actual = Sha256.hexOf(Sha256.hmac(signingKey, stringToSign)).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, actual)) {
                return new VerifiedCaller(key, signature.scope().region(), signature.sessionToken());
            }
        }
        throw SignatureRejections.mismatch();
    }

    /**
     * Refuses, from the request line and headers alone, what they already condemn — no or a malformed
     * signature, an unknown access key, a wrong scope, a signing time out of range, an unsigned
     * {@code x-amz-*} header, an {@code x-amz-content-sha256} that no body can match — so that such a
     * request is answered before its body is read. {@link #verify} repeats these checks; a request
     * that passes here may still fail there (its signature is checked only with its body).
     *
     * @param headers the request's headers (any name case)
     * @throws LambdaException as {@link #verify} does for the same faults
     */
    public void precheck(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        SignedRequest head = SignedRequest.of(method, rawPath, rawQuery, headers, new byte[0]);
        SignatureParameters signature = SignatureParser.parse(head, QueryParameters.parse(rawQuery));
        checkHead(head, signature);
        String declared = head.firstHeader(CONTENT_SHA256);
        if (declared != null) {
            checkDeclaredPayloadHash(declared, presigned(signature));
        }
    }

    /** The checks that need no body; returns the signing key's owner. */
    private AccessKey checkHead(SignedRequest request, SignatureParameters signature) {
        checkScope(signature);
        AccessKey key = credentials.find(signature.scope().accessKeyId())
                .orElseThrow(SignatureRejections::unrecognizedClient);
        checkTime(signature, clock.instant());
        checkAmzHeadersSigned(request, signature);
        return key;
    }

    private static boolean presigned(SignatureParameters signature) {
        return switch (signature.location()) {
            case SignatureParameters.InHeader _ -> false;
            case SignatureParameters.InQuery _ -> true;
        };
    }

    /** Number of derived signing keys currently cached; for tests and metrics. */
    int cachedSigningKeys() {
        return signingKeys.size();
    }

    private static void checkScope(SignatureParameters signature) {
        CredentialScope scope = signature.scope();
        if (!scope.terminator().equals(CredentialScope.TERMINATOR)) {
            throw SignatureRejections.incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '"
                    + scope.terminator() + "'. ");
        }
        if (!SERVICES.contains(scope.service())) {
            throw SignatureRejections.invalid("Credential should be scoped to correct service: 'lambda'. ");
        }
        String signingDay = signature.amzDate().substring(0, 8);
        if (!scope.date().equals(signingDay)) {
            throw SignatureRejections.invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scope.date() + "' != '" + signingDay + "', from '" + signature.amzDate() + "'.");
        }
    }

    /**
     * Every {@code x-amz-*} header present must be among the signed headers, as AWS requires: such
     * headers change what a request does ({@code X-Amz-Invocation-Type}, {@code X-Amz-Log-Type},
     * {@code X-Amz-Client-Context}), so one added after signing would change a signed request. The
     * one exception is {@code x-amz-content-sha256}, whose value must equal the body's hash anyway.
     * ({@code x-amzn-*} headers, such as {@code X-Amzn-Trace-Id}, which SDKs leave unsigned, are not
     * {@code x-amz-*}.)
     */
    private static void checkAmzHeadersSigned(SignedRequest request, SignatureParameters signature) {
        List<String> unsigned = new ArrayList<>();
        for (String name : request.headers().keySet()) {
            if (name.startsWith(AMZ_HEADER_PREFIX) && !name.equals(CONTENT_SHA256)
                    && !signature.signedHeaders().contains(name)) {
                unsigned.add(name);
            }
        }
        if (!unsigned.isEmpty()) {
            throw SignatureRejections.headersNotSigned(unsigned);
        }
    }

    private static void checkTime(SignatureParameters signature, Instant now) {
        Instant signedAt = signature.signedAt();
        Instant latest = now.plus(MAX_CLOCK_SKEW);
        if (signedAt.isAfter(latest)) {
            throw SignatureRejections.invalid("Signature not yet current: " + signature.amzDate() + " is still later than "
                    + format(latest) + " (" + format(now) + " + 15 min.)");
        }
        switch (signature.location()) {
            case SignatureParameters.InHeader _ -> {
                Instant earliest = now.minus(MAX_CLOCK_SKEW);
                if (signedAt.isBefore(earliest)) {
                    throw SignatureRejections.invalid("Signature expired: " + signature.amzDate() + " is now earlier than "
                            + format(earliest) + " (" + format(now) + " - 15 min.)");
                }
            }
            case SignatureParameters.InQuery(Duration expires) -> {
                Instant earliest = now.minus(expires);
                if (signedAt.isBefore(earliest)) {
                    throw SignatureRejections.invalid("Signature expired: " + signature.amzDate() + " is now earlier than "
                            + format(earliest) + " (" + format(now) + " - " + expires.toSeconds() + " sec.)");
                }
            }
        }
    }

    /**
     * The payload hashes the signer may have used, most likely first. A declared
     * {@code x-amz-content-sha256} is the only candidate and must match the body; {@code
     * UNSIGNED-PAYLOAD} is accepted only on presigned URLs, which some SDKs sign with it: Lambda and
     * CloudWatch Logs refuse it on header-signed requests (only S3 accepts it there), so such a
     * request gets the signature mismatch AWS answers. Without the header the body's hash, and for
     * presigned URLs also {@code UNSIGNED-PAYLOAD}.
     */
    private static List<String> payloadHashCandidates(SignedRequest request, boolean presigned) {
        String declared = request.firstHeader(CONTENT_SHA256);
        if (declared != null) {
            checkDeclaredPayloadHash(declared, presigned);
            if (declared.equals(UNSIGNED_PAYLOAD)) {
                return List.of(UNSIGNED_PAYLOAD);
            }
            if (!declared.equalsIgnoreCase(request.body().sha256Hex())) {
                throw SignatureRejections.mismatch();
            }
            return List.of(declared);
        }
        List<String> candidates = new ArrayList<>(2);
        candidates.add(request.body().sha256Hex());
        if (presigned) {
            candidates.add(UNSIGNED_PAYLOAD);
        }
        return candidates;
    }

    /** A declared payload hash must be a hex SHA-256, or {@code UNSIGNED-PAYLOAD} on a presigned URL. */
    private static void checkDeclaredPayloadHash(String declared, boolean presigned) {
        if (declared.equals(UNSIGNED_PAYLOAD)) {
            if (!presigned) {
                throw SignatureRejections.mismatch();
            }
        } else if (!declared.matches("[0-9a-fA-F]{64}")) {
            throw SignatureRejections.incomplete("x-amz-content-sha256 must be the hex SHA-256 of the body or "
                    + UNSIGNED_PAYLOAD + ", not '" + declared + "'.");
        }
    }

    private static String format(Instant instant) {
        return SignatureParser.AMZ_DATE.format(instant);
    }
}
