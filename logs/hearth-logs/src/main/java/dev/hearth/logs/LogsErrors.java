package dev.hearth.logs;

import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;

/**
 * The errors CloudWatch Logs answers, as {@link LambdaException}s. Its JSON 1.1 clients read the error
 * code from the body's {@code __type} field, which the HTTP edge writes for every error of a JSON 1.x
 * service ({@code ErrorResponses.Protocol.AWS_JSON}).
 */
final class LogsErrors {
    private LogsErrors() {}

    static LambdaException groupNotFound() {
        return new LambdaException(LambdaErrorType.ResourceNotFoundException, "The specified log group does not exist.");
    }

    static LambdaException streamNotFound() {
        return new LambdaException(LambdaErrorType.ResourceNotFoundException, "The specified log stream does not exist.");
    }

    static LambdaException invalidParameter(String message) {
        return new LambdaException(LambdaErrorType.InvalidParameterException, message);
    }

    /** Constraint violations of a request's members, which CloudWatch Logs answers as {@code InvalidParameterException}. */
    static LambdaException constraints(ConstraintViolations violations) {
        return violations.exception(LambdaErrorType.InvalidParameterException);
    }

    static LambdaException unknownOperation(String target) {
        return new LambdaException(LambdaErrorType.UnknownOperationException, "Unknown operation " + target);
    }

    static LambdaException serialization(String message) {
        return new LambdaException(LambdaErrorType.SerializationException, message);
    }
}
