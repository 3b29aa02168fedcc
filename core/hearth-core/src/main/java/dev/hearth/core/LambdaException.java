package dev.hearth.core;

import java.util.Map;
import java.util.Objects;

/**
 * A failure that reaches the client as a Lambda error: an error type (which fixes the HTTP status),
 * a message, and optional extra top-level fields of the JSON error body (for example
 * {@code Reason} on {@code TooManyRequestsException}).
 *
 * <p>Components throw it for every failure the caller caused or should see; the HTTP layer turns it
 * into the response in one place. Anything else that escapes a request is a bug and is answered as
 * {@code ServiceException} (500) with the failure logged.
 */
public final class LambdaException extends RuntimeException {
    private final LambdaErrorType type;
    private final Map<String, String> extraFields;

    public LambdaException(LambdaErrorType type, String message) {
        this(type, message, Map.of(), null);
    }

    public LambdaException(LambdaErrorType type, String message, Map<String, String> extraFields) {
        this(type, message, extraFields, null);
    }

    public LambdaException(LambdaErrorType type, String message, Map<String, String> extraFields, Throwable cause) {
        super(message, cause);
        this.type = Objects.requireNonNull(type, "type");
        this.extraFields = Map.copyOf(extraFields);
    }

    public LambdaErrorType type() {
        return type;
    }

    public int httpStatus() {
        return type.httpStatus();
    }

    /** Extra top-level fields of the error body, beyond {@code Type} and {@code message}. */
    public Map<String, String> extraFields() {
        return extraFields;
    }

    public static LambdaException invalidParameter(String message) {
        return new LambdaException(LambdaErrorType.InvalidParameterValueException, message);
    }

    public static LambdaException notFound(String message) {
        return new LambdaException(LambdaErrorType.ResourceNotFoundException, message);
    }

    public static LambdaException conflict(String message) {
        return new LambdaException(LambdaErrorType.ResourceConflictException, message);
    }

    public static LambdaException preconditionFailed(String message) {
        return new LambdaException(LambdaErrorType.PreconditionFailedException, message);
    }
}
