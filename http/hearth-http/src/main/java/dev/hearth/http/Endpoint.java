package dev.hearth.http;

/**
 * Handles one API operation. Runs on its own virtual thread and may block. Throws
 * {@link dev.hearth.core.LambdaException} for anything the caller should see as a Lambda error.
 */
@FunctionalInterface
public interface Endpoint {
    ApiResponse handle(ApiRequest request) throws Exception;
}
