package dev.hearth.controlplane.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * A request a resource-based policy is evaluated for: who calls ({@code callerAccount}, acting as the
 * account's root), which action ({@code lambda:InvokeFunction}), and the condition keys the call
 * carries.
 *
 * @param sourceAccount {@code AWS:SourceAccount}: for a direct call, the caller's own account
 * @param sourceArn {@code AWS:SourceArn}: the resource a service calls on behalf of; a direct call has none
 * @param principalOrgId {@code aws:PrincipalOrgID}: Hearth has no organizations, so always empty
 */
public record PolicyRequest(String callerAccount, String action, Optional<String> sourceAccount, Optional<String> sourceArn,
        Optional<String> principalOrgId, Optional<String> eventSourceToken, Optional<String> functionUrlAuthType,
        boolean invokedViaFunctionUrl) {
    /** The caller of a function URL of auth type {@code NONE}: nobody's account. */
    public static final String ANONYMOUS = "anonymous";

    public PolicyRequest {
        Objects.requireNonNull(callerAccount, "callerAccount");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(sourceAccount, "sourceAccount");
        Objects.requireNonNull(sourceArn, "sourceArn");
        Objects.requireNonNull(principalOrgId, "principalOrgId");
        Objects.requireNonNull(eventSourceToken, "eventSourceToken");
        Objects.requireNonNull(functionUrlAuthType, "functionUrlAuthType");
    }

    /**
     * A call an account makes itself through Lambda's API (not a service on its behalf, not through a
     * function URL): its source account is its own, it has no source ARN, organization or event
     * source token.
     */
    public static PolicyRequest direct(String callerAccount, String action) {
        return new PolicyRequest(callerAccount, action, Optional.of(callerAccount), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false);
    }

    /**
     * A call through a function URL of auth type {@code authType} ({@code NONE} or {@code AWS_IAM}): it
     * carries {@code lambda:FunctionUrlAuthType} and {@code lambda:InvokedViaFunctionUrl} = true, which
     * no API call carries.
     *
     * @param callerAccount the signing account for {@code AWS_IAM}; {@link #ANONYMOUS} for an unsigned
     *     call, whom only a {@code "*"} principal admits
     */
    public static PolicyRequest viaFunctionUrl(String callerAccount, String action, String authType) {
        return new PolicyRequest(callerAccount, action, callerAccount.equals(ANONYMOUS) ? Optional.empty() : Optional.of(callerAccount),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(authType), true);
    }
}
