package dev.hearth.controlplane.policy;

import dev.hearth.core.LambdaException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who a statement allows, as AddPermission's {@code Principal} names it: a service ({@code
 * s3.amazonaws.com}, rendered {@code {"Service": ...}}), an account or IAM identity (a 12-digit id is
 * rendered {@code {"AWS": "arn:aws:iam::ID:root"}}, an IAM ARN as given), or anyone ({@code "*"}).
 *
 * <p>Hearth's callers are accounts (their credentials name an account, never a user or role), so an
 * account's root, its id, or {@code "*"} grant a caller; no AWS service calls into Hearth, so a
 * service principal grants nobody.
 */
public sealed interface PolicyPrincipal {
    /** Lambda's answer for a principal it cannot read. */
    String INVALID = "The provided principal was invalid. Please check the principal and try again.";

    /** An AWS service, by its service principal name. */
    record Service(String name) implements PolicyPrincipal {}

    /** An account ({@code arn:aws:iam::ID:root}) or another IAM identity, by ARN. */
    record Aws(String arn) implements PolicyPrincipal {}

    /** {@code "*"}: anyone. */
    record Anyone() implements PolicyPrincipal {}

    /**
     * AddPermission's {@code Principal} (its pattern, {@code [^\s]+}, already checked).
     *
     * @throws LambdaException InvalidParameterValueException with Lambda's message for anything else
     */
    static PolicyPrincipal parse(String principal) {
        if (principal.equals("*")) {
            return new Anyone();
        }
        if (Patterns.ACCOUNT.matcher(principal).matches()) {
            return new Aws(rootOf(principal));
        }
        if (Patterns.IAM_ARN.matcher(principal).matches()) {
            return new Aws(principal);
        }
        if (principal.endsWith(".amazonaws.com")) {
            return new Service(principal);
        }
        throw LambdaException.invalidParameter(INVALID);
    }

    /** {@code arn:aws:iam::ACCOUNT:root}: how IAM names an account as a principal. */
    static String rootOf(String accountId) {
        return "arn:aws:iam::" + accountId + ":root";
    }

    /** Whether a caller acting as {@code accountId} (the account's root) is this principal. */
    default boolean includesAccount(String accountId) {
        return switch (this) {
            case Anyone a -> true;
            case Aws aws -> aws.arn().equals(rootOf(accountId)) || aws.arn().equals(accountId);
            case Service s -> false;
        };
    }

    /** The statement's {@code Principal} value in Lambda's JSON. */
    default Object json() {
        return switch (this) {
            case Anyone a -> "*";
            case Aws aws -> Map.of("AWS", aws.arn());
            case Service s -> Map.of("Service", s.name());
        };
    }

    /** The principal a rendered statement's {@code Principal} value names. */
    static PolicyPrincipal fromJson(Object json) {
        if ("*".equals(json)) {
            return new Anyone();
        }
        if (json instanceof Map<?, ?> map && map.size() == 1) {
            Object aws = map.get("AWS");
            if (aws instanceof String arn) {
                return new Aws(arn);
            }
            Object service = map.get("Service");
            if (service instanceof String name) {
                return new Service(name);
            }
        }
        throw new IllegalArgumentException("not a principal of Lambda's: " + json);
    }

    /** The shapes of principals. */
    final class Patterns {
        static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
        static final Pattern IAM_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:iam::\\d{12}:\\S+");

        private Patterns() {}
    }
}
