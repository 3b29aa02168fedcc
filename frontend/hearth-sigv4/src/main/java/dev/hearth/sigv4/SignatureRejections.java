package dev.hearth.sigv4;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.List;

/**
 * The one place that turns a failed verification into the {@link LambdaException} AWS would answer.
 *
 * <p>AWS answers an unsigned request with {@code MissingAuthenticationTokenException} (403) and a
 * malformed signature with {@code IncompleteSignatureException} (403 on Lambda). Hearth's
 * {@link LambdaErrorType} has neither yet, so these use the nearest 403 types until it does; the
 * messages are already AWS's.
 */
final class SignatureRejections {
    static final String MISMATCH_MESSAGE = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    static final String UNKNOWN_KEY_MESSAGE = "The security token included in the request is invalid.";
    static final String MISSING_TOKEN_MESSAGE = "Missing Authentication Token";
    static final String HEADERS_NOT_SIGNED_MESSAGE = "There were headers present in the request which were not signed";

    /** A request with no signature at all. */
    private static final LambdaErrorType MISSING_AUTHENTICATION_TOKEN = LambdaErrorType.MissingAuthenticationTokenException;
    /** A malformed or incomplete signature. */
    private static final LambdaErrorType INCOMPLETE_SIGNATURE = LambdaErrorType.IncompleteSignatureException;

    private SignatureRejections() {
    }

    static LambdaException missingAuthenticationToken() {
        return new LambdaException(MISSING_AUTHENTICATION_TOKEN, MISSING_TOKEN_MESSAGE);
    }

    static LambdaException incomplete(String message) {
        return new LambdaException(INCOMPLETE_SIGNATURE, message);
    }

    static LambdaException unrecognizedClient() {
        return new LambdaException(LambdaErrorType.UnrecognizedClientException, UNKNOWN_KEY_MESSAGE);
    }

    /**
     * {@code x-amz-*} headers present but not signed: S3's {@code AccessDenied} message, as {@code
     * AccessDeniedException} (JSON services have no {@code HeadersNotSigned} element to list {@code
     * names} in; they are left out of the message, which stays AWS's).
     */
    static LambdaException headersNotSigned(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no unsigned header");
        }
        return new LambdaException(LambdaErrorType.AccessDeniedException, HEADERS_NOT_SIGNED_MESSAGE);
    }

    static LambdaException mismatch() {
        return new LambdaException(LambdaErrorType.InvalidSignatureException, MISMATCH_MESSAGE);
    }

    static LambdaException invalid(String message) {
        return new LambdaException(LambdaErrorType.InvalidSignatureException, message);
    }
}
