package dev.hearth.sigv4;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a request says about its own signature, parsed from the {@code Authorization} header or from
 * the presigned query parameters, before anything is checked against a secret.
 *
 * @param location where the signature was carried, with what that location adds
 * @param scope the credential scope
 * @param signedHeaders the lower-case names of the signed headers, in the order the caller listed them
 * @param signature the caller's signature, lower-case hex
 * @param amzDate the signing time as it enters the string to sign, {@code yyyyMMdd'T'HHmmss'Z'}
 * @param signedAt {@code amzDate} as an instant
 * @param sessionToken the caller's {@code X-Amz-Security-Token}, if any
 */
record SignatureParameters(
        Location location,
        CredentialScope scope,
        List<String> signedHeaders,
        String signature,
        String amzDate,
        Instant signedAt,
        Optional<String> sessionToken) {

    SignatureParameters {
        signedHeaders = List.copyOf(signedHeaders);
    }

    /** Where a signature travels. */
    sealed interface Location {
    }

    /** {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}. */
    record InHeader() implements Location {
    }

    /** A presigned URL ({@code X-Amz-Signature} and friends in the query), valid for {@code expires}. */
    record InQuery(Duration expires) implements Location {
    }
}
