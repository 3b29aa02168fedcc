package dev.hearth.controlplane;

import dev.hearth.controlplane.api.Cors;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import java.util.Objects;
import java.util.Optional;

/**
 * A function URL as its HTTP listener serves it: whose function and qualifier it invokes, how callers
 * authenticate, what CORS answers it gives and how its result is delivered.
 *
 * @param qualifier empty for the unqualified function ({@code $LATEST}), else an alias name
 * @param authType {@code NONE} or {@code AWS_IAM}
 * @param cors empty when the URL has no CORS configuration
 * @param invokeMode {@code BUFFERED} or {@code RESPONSE_STREAM}
 */
public record FunctionUrl(AccountContext account, String functionName, Optional<String> qualifier, String urlId,
        String authType, Optional<Cors> cors, String invokeMode) {
    public static final String AUTH_NONE = "NONE";
    public static final String AUTH_IAM = "AWS_IAM";
    public static final String BUFFERED = "BUFFERED";
    public static final String RESPONSE_STREAM = "RESPONSE_STREAM";

    public FunctionUrl {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(urlId, "urlId");
        Objects.requireNonNull(authType, "authType");
        Objects.requireNonNull(cors, "cors");
        Objects.requireNonNull(invokeMode, "invokeMode");
    }

    /** The function (and alias) an invocation through this URL runs. */
    public FunctionRef ref() {
        FunctionRef unqualified = FunctionRef.of(account, functionName);
        return qualifier.map(unqualified::qualified).orElse(unqualified);
    }
}
