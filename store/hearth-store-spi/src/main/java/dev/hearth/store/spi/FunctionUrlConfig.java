package dev.hearth.store.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The function URL of a function ({@code $LATEST}) or of one of its aliases
 * (CreateFunctionUrlConfig): the control plane validates it; the store keeps it exactly and removes it
 * with the function or alias it belongs to.
 *
 * @param functionName the function
 * @param qualifier {@code $LATEST} for the unqualified function, else an alias name (never a version)
 * @param urlId the URL's id (32 lower-case letters and digits), unique in the store and never changed
 * @param authType {@code NONE} or {@code AWS_IAM}
 * @param cors the {@code Cors} member as JSON, or null when the URL has none
 * @param invokeMode {@code BUFFERED} or {@code RESPONSE_STREAM}
 */
public record FunctionUrlConfig(String functionName, String qualifier, String urlId, String authType, String cors,
        String invokeMode, Instant creationTime, Instant lastModifiedTime) {
    public FunctionUrlConfig {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(urlId, "urlId");
        Objects.requireNonNull(authType, "authType");
        Objects.requireNonNull(invokeMode, "invokeMode");
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(lastModifiedTime, "lastModifiedTime");
    }
}
