package dev.hearth.controlplane;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.ArrayList;
import java.util.List;

/**
 * The constraint violations of one request's members (length, pattern, range, enum, required, as
 * Lambda's service model declares them), collected so that they are reported together, as Lambda
 * does, in one {@code ValidationException} (400): {@code "1 validation error detected: Value '300'
 * at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
 * or {@code "2 validation errors detected: ...; ..."}. Lambda checks these before any semantic rule,
 * so a request is validated member by member first, then {@link #throwIfAny()}, then the rest.
 *
 * <p>Not thread-safe: one instance per request.
 */
final class ConstraintViolations {
    private final List<String> violations = new ArrayList<>();

    /** {@code member} is {@code value}, which breaks {@code constraint} (e.g. "Member must have length less than or equal to 64"). */
    ConstraintViolations add(Object value, String member, String constraint) {
        violations.add("Value '" + value + "' at '" + member + "' failed to satisfy constraint: " + constraint);
        return this;
    }

    /** A sensitive member breaks {@code constraint}; Lambda leaves such values out of its message. */
    ConstraintViolations addSensitive(String member, String constraint) {
        violations.add("Value at '" + member + "' failed to satisfy constraint: " + constraint);
        return this;
    }

    /** A required {@code member} is missing. */
    ConstraintViolations missing(String member) {
        violations.add("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
        return this;
    }

    boolean isEmpty() {
        return violations.isEmpty();
    }

    /** @throws LambdaException {@code ValidationException} naming every violation found, if any */
    void throwIfAny() {
        if (!violations.isEmpty()) {
            throw exception();
        }
    }

    /** The {@code ValidationException} for the violations found; call only when there are some. */
    LambdaException exception() {
        int n = violations.size();
        return new LambdaException(LambdaErrorType.ValidationException,
                n + (n == 1 ? " validation error detected: " : " validation errors detected: ") + String.join("; ", violations));
    }

    /** The {@code ValidationException} for one violation. */
    static LambdaException single(Object value, String member, String constraint) {
        return new ConstraintViolations().add(value, member, constraint).exception();
    }
}
