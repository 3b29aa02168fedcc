package dev.hearth.http;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become AWS error responses: the status from the error type, its name
 * in the {@code x-amzn-ErrorType} header (where the SDKs and the CLI read the error code), and a JSON
 * body in the shape of the service's protocol ({@link Protocol}) plus any extra fields (such as
 * {@code Reason}). Anything that is not a {@link LambdaException} is a bug: it is logged with its
 * stack trace and answered as {@code ServiceException} (500).
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    /** How a service's protocol writes an error body. */
    public enum Protocol {
        /**
         * Lambda's REST JSON: the fields Lambda's service model declares for the error type ({@link
         * LambdaErrorType#body()}), e.g. {@code {"Type": "User", "Message": "Function not found: ..."}}
         * for ResourceNotFoundException and {@code {"Type": "User", "message": "..."}} for
         * InvalidParameterValueException; the error code is in the header only.
         */
        REST_JSON,
        /**
         * AWS JSON 1.0/1.1 (CloudWatch Logs): {@code {"__type": "<code>", "message": "..."}}, where
         * these protocols' clients read the error code.
         */
        AWS_JSON,
        /**
         * AWS's query protocol (SQS's older clients): an XML {@code <ErrorResponse><Error><Type>Sender</Type>
         * <Code>...</Code><Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>},
         * where those clients read the error code.
         */
        AWS_QUERY
    }

    /** The error response for {@code failure} in {@code protocol}'s shape. */
    public static ApiResponse of(Throwable failure, Protocol protocol, String operation, String requestId) {
        LambdaException error = failure instanceof LambdaException e ? e : unexpected(failure, operation, requestId);
        if (protocol == Protocol.AWS_QUERY) {
            String xml = "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>" + (error.httpStatus() >= 500 ? "Receiver" : "Sender")
                    + "</Type><Code>" + xmlText(queryCode(error.type())) + "</Code><Message>" + xmlText(error.getMessage())
                    + "</Message></Error><RequestId>" + xmlText(requestId) + "</RequestId></ErrorResponse>";
            return new ApiResponse(error.httpStatus(), Map.of("x-amzn-ErrorType", error.type().name()),
                    xml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/xml");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        switch (protocol) {
            case REST_JSON -> {
                LambdaErrorType.ErrorBody fields = error.type().body();
                if (fields.typed()) {
                    body.put("Type", error.httpStatus() >= 500 ? "Service" : "User");
                }
                body.put(fields.messageField(), error.getMessage());
            }
            case AWS_JSON -> {
                body.put("__type", error.type().name());
                body.put("message", error.getMessage());
            }
            case AWS_QUERY -> throw new IllegalStateException("answered above");
        }
        body.putAll(error.extraFields());
        return ApiResponse.json(error.httpStatus(), AwsJson.writePlain(body))
                .withHeader("x-amzn-ErrorType", error.type().name());
    }

    /**
     * The code the query-protocol services (SQS) give the errors Hearth's endpoint answers for every
     * service — signatures, throttles, unknown actions, its own failures — as their "common errors"
     * name them; a service's own error types keep their names.
     */
    static String queryCode(LambdaErrorType type) {
        return switch (type) {
            case InvalidSignatureException -> "SignatureDoesNotMatch";
            case UnrecognizedClientException -> "InvalidClientTokenId";
            case MissingAuthenticationTokenException -> "MissingAuthenticationToken";
            case IncompleteSignatureException -> "IncompleteSignature";
            case TooManyRequestsException, ThrottlingException -> "ThrottlingException";
            case UnknownOperationException -> "InvalidAction";
            case ServiceException -> "InternalFailure";
            default -> type.name();
        };
    }

    private static String xmlText(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static LambdaException unexpected(Throwable failure, String operation, String requestId) {
        LOG.error("{} failed unexpectedly (request {})", operation, requestId, failure);
        return new LambdaException(LambdaErrorType.ServiceException,
                "Hearth failed to process " + operation + " (request " + requestId + "); the server log has the details.");
    }
}
