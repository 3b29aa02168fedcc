package dev.hearth.http;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to a request it refuses before any {@link ApiService} sees it (an ambiguous or
 * malformed percent-encoded path such as {@code %2F} or {@code %zz}, a bad header, a request line
 * it cannot parse): an AWS-shaped JSON error through {@link ErrorResponses}, with {@code
 * x-amzn-ErrorType} and {@code x-amzn-RequestId}, instead of Jetty's HTML page. The reason is Jetty's
 * short description of the HTTP problem, never a stack trace or a Java class name.
 *
 * <p>Stateless and thread-safe.
 */
final class AwsErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
        ErrorResponses.Protocol protocol = request.getHeaders().contains("X-Amz-Target")
                ? ErrorResponses.Protocol.AWS_JSON : ErrorResponses.Protocol.REST_JSON;
        String requestId = UUID.randomUUID().toString();
        ApiResponse answer = ErrorResponses.of(error(status, reason), protocol, "HTTP", requestId);
        response.setStatus(answer.status());
        response.getHeaders().put("x-amzn-RequestId", requestId);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    /** The AWS error type for an HTTP status Jetty chose, with Jetty's reason (or the status's). */
    static LambdaException error(int status, String reason) {
        String message = "The request could not be processed: " + (reason == null || reason.isBlank() ? "HTTP " + status : reason);
        LambdaErrorType type = switch (status) {
            case 404 -> LambdaErrorType.UnknownOperationException;
            case 405 -> LambdaErrorType.MethodNotAllowedException;
            case 413 -> LambdaErrorType.RequestEntityTooLargeException;
            default -> status >= 500 ? LambdaErrorType.ServiceException : LambdaErrorType.ValidationException;
        };
        return new LambdaException(type, message);
    }
}
