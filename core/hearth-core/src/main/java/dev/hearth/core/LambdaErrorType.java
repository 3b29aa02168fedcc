package dev.hearth.core;

/**
 * Lambda's error types, each with the HTTP status Lambda answers it with. This enum is the one place
 * where an error's type is mapped to its status: the HTTP layer writes {@link #name()} as
 * {@code x-amzn-ErrorType} and {@link #httpStatus()} as the status line.
 */
public enum LambdaErrorType {
    InvalidParameterValueException(400),
    InvalidRequestContentException(400),
    RequestTooLargeException(413),
    UnsupportedMediaTypeException(415),
    ResourceNotFoundException(404),
    ProvisionedConcurrencyConfigNotFoundException(404),
    ResourceConflictException(409),
    ResourceInUseException(400),
    /** Invoke of a SnapStart version whose snapshot is still being taken (its state is Pending). */
    SnapStartNotReadyException(409),
    PreconditionFailedException(412),
    CodeStorageExceededException(400),
    TooManyRequestsException(429),
    InvalidSignatureException(403),
    UnrecognizedClientException(403),
    MissingAuthenticationTokenException(403),
    IncompleteSignatureException(403),
    AccessDeniedException(403),
    ServiceException(500),
    EC2ThrottledException(502),
    InvalidRuntimeException(502),
    InvalidZipFileException(502),
    ResourceNotReadyException(502),
    /** The function's response exceeded the payload limit. */
    ResponseSizeTooLargeException(413),
    /** No route matches the request; Lambda answers with an UnknownOperationException. */
    UnknownOperationException(404),
    MethodNotAllowedException(405),
    /** CloudWatch Logs' name for a bad parameter (its API is served beside Lambda's). */
    InvalidParameterException(400),
    /** CloudWatch Logs' name for an unreadable request body. */
    SerializationException(400);

    private final int httpStatus;

    LambdaErrorType(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
