package dev.hearth.http;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become Lambda error responses: status from the error type,
 * {@code x-amzn-ErrorType} header, and a JSON body {@code {"Type": "User"|"Service", "message": ...}}
 * plus any extra fields (such as {@code Reason}). The body also names the type in {@code __type},
 * where clients of AWS's JSON 1.1 protocol (the CloudWatch Logs API served beside Lambda's) read it. Anything that is not a {@link LambdaException} is a
 * bug: it is logged with its stack trace and answered as {@code ServiceException} (500).
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    public static ApiResponse of(Throwable failure, String operation, String requestId) {
        LambdaException error = failure instanceof LambdaException e ? e : unexpected(failure, operation, requestId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Type", error.httpStatus() >= 500 ? "Service" : "User");
        body.put("message", error.getMessage());
        body.put("__type", error.type().name());
        body.putAll(error.extraFields());
        return ApiResponse.json(error.httpStatus(), AwsJson.writePlain(body))
                .withHeader("x-amzn-ErrorType", error.type().name());
    }

    private static LambdaException unexpected(Throwable failure, String operation, String requestId) {
        LOG.error("{} failed unexpectedly (request {})", operation, requestId, failure);
        return new LambdaException(LambdaErrorType.ServiceException,
                "Hearth failed to process " + operation + " (request " + requestId + "); the server log has the details.");
    }
}
