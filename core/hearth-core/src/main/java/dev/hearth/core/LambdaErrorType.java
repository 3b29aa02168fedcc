package dev.hearth.core;

/**
 * Lambda's error types, each with the HTTP status Lambda answers it with. This enum is the one place
 * where an error's type is mapped to its status and to the fields of its body: the HTTP layer
 * writes {@link #name()} as {@code x-amzn-ErrorType}, {@link #httpStatus()} as the status line and,
 * for Lambda's API, the body as {@link #body()} says.
 */
public enum LambdaErrorType {
    InvalidParameterValueException(400, ErrorBody.TYPE_AND_MESSAGE),
    /**
     * A request member outside its service-model constraint (range, length, pattern), which Lambda
     * answers as {@code "1 validation error detected: Value '…' at '…' failed to satisfy constraint: …"}.
     */
    ValidationException(400, ErrorBody.MESSAGE_ONLY),
    InvalidRequestContentException(400, ErrorBody.TYPE_AND_MESSAGE),
    RequestTooLargeException(413, ErrorBody.TYPE_AND_MESSAGE),
    /**
     * A request body over the operation's limit ("Request must be smaller than 6291456 bytes for the
     * InvokeFunction operation"); Lambda's service model does not declare it, its answers carry it.
     */
    RequestEntityTooLargeException(413, ErrorBody.MESSAGE_ONLY),
    UnsupportedMediaTypeException(415, ErrorBody.TYPE_AND_MESSAGE),
    ResourceNotFoundException(404, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    ProvisionedConcurrencyConfigNotFoundException(404, ErrorBody.TYPE_AND_MESSAGE),
    ResourceConflictException(409, ErrorBody.TYPE_AND_MESSAGE),
    /** EventBridge Scheduler's name for a resource that exists already or is being changed. */
    ConflictException(409, ErrorBody.MESSAGE_ONLY),
    ResourceInUseException(400, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    /** Invoke of a SnapStart version whose snapshot is still being taken (its state is Pending). */
    SnapStartNotReadyException(409, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    PreconditionFailedException(412, ErrorBody.TYPE_AND_MESSAGE),
    /** AddPermission past the 20 KB limit of a resource-based policy. */
    PolicyLengthExceededException(400, ErrorBody.TYPE_AND_MESSAGE),
    /** A deployment refused by a code signing configuration whose policy is {@code Enforce}. */
    CodeVerificationFailedException(400, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    /** A code signing configuration named in PutFunctionCodeSigningConfig or CreateFunction that does not exist. */
    CodeSigningConfigNotFoundException(404, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    CodeStorageExceededException(400, ErrorBody.TYPE_AND_MESSAGE),
    TooManyRequestsException(429, ErrorBody.TYPE_AND_MESSAGE),
    InvalidSignatureException(403, ErrorBody.MESSAGE_ONLY),
    UnrecognizedClientException(403, ErrorBody.MESSAGE_ONLY),
    MissingAuthenticationTokenException(403, ErrorBody.MESSAGE_ONLY),
    IncompleteSignatureException(403, ErrorBody.MESSAGE_ONLY),
    AccessDeniedException(403, ErrorBody.MESSAGE_ONLY),
    ServiceException(500, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    EC2ThrottledException(502, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    InvalidRuntimeException(502, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    InvalidZipFileException(502, ErrorBody.TYPE_AND_CAPITALIZED_MESSAGE),
    ResourceNotReadyException(502, ErrorBody.TYPE_AND_MESSAGE),
    /** The function's response exceeded the payload limit. */
    ResponseSizeTooLargeException(413, ErrorBody.TYPE_AND_MESSAGE),
    /** No route matches the request; Lambda answers with an UnknownOperationException. */
    UnknownOperationException(404, ErrorBody.MESSAGE_ONLY),
    MethodNotAllowedException(405, ErrorBody.MESSAGE_ONLY),
    /** CloudWatch Logs' name for a bad parameter (its API is served beside Lambda's). */
    InvalidParameterException(400, ErrorBody.MESSAGE_ONLY),
    /** CloudWatch Logs' name for an unreadable request body. */
    SerializationException(400, ErrorBody.MESSAGE_ONLY),
    /** The AWS JSON services' answer to a caller over a rate or capacity (CloudWatch Logs: HTTP 400). */
    ThrottlingException(400, ErrorBody.MESSAGE_ONLY);

    private final int httpStatus;
    private final ErrorBody body;

    LambdaErrorType(int httpStatus, ErrorBody body) {
        this.httpStatus = httpStatus;
        this.body = body;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The fields of this error's body in Lambda's REST JSON answers. */
    public ErrorBody body() {
        return body;
    }

    /**
     * The fields of a Lambda error body, as Lambda's service model declares each exception's members
     * (botocore's {@code service-2.json}): most carry {@code Type} ({@code User} or {@code Service})
     * and {@code message}, some {@code Type} and {@code Message}; errors the model does not declare
     * (a constraint's {@code ValidationException}, the HTTP front end's refusals) only a message.
     */
    public enum ErrorBody {
        /** {@code {"Type": ..., "message": ...}}, e.g. InvalidParameterValueException. */
        TYPE_AND_MESSAGE("message", true),
        /** {@code {"Type": ..., "Message": ...}}, e.g. ResourceNotFoundException. */
        TYPE_AND_CAPITALIZED_MESSAGE("Message", true),
        /** {@code {"message": ...}}, e.g. ValidationException. */
        MESSAGE_ONLY("message", false);

        private final String messageField;
        private final boolean typed;

        ErrorBody(String messageField, boolean typed) {
            this.messageField = messageField;
            this.typed = typed;
        }

        /** {@code message} or {@code Message}. */
        public String messageField() {
            return messageField;
        }

        /** Whether the body names who is at fault in {@code Type}. */
        public boolean typed() {
            return typed;
        }
    }
}
