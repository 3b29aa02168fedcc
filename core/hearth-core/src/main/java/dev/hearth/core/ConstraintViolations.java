package dev.hearth.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The constraint violations of one request's members (length, pattern, range, enum, required, as
 * Lambda's service model declares them), collected so that they are reported together, as Lambda
 * does, in one {@code ValidationException} (400): {@code "1 validation error detected: Value '300'
 * at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
 * or {@code "2 validation errors detected: ...; ..."}. Lambda checks these before any semantic rule,
 * so a request is validated member by member first, then {@link #throwIfAny()}, then the rest.
 *
 * <p>This class is the one place where that wording is made; every component that answers a
 * constraint violation uses it. The checks ({@link #range}, {@link #maxLength}, {@link #pattern},
 * {@link #enumValue}) add a violation only when the value breaks the constraint, and each returns
 * this object so that checks chain.
 *
 * <p>Not thread-safe: one instance per request.
 */
public final class ConstraintViolations {
    private final List<String> violations = new ArrayList<>();

    /** {@code member} is {@code value}, which breaks {@code constraint} (e.g. "Member must have length less than or equal to 64"). */
    public ConstraintViolations add(Object value, String member, String constraint) {
        violations.add("Value '" + value + "' at '" + member + "' failed to satisfy constraint: " + constraint);
        return this;
    }

    /** A sensitive member breaks {@code constraint}; Lambda leaves such values out of its message. */
    public ConstraintViolations addSensitive(String member, String constraint) {
        violations.add("Value at '" + member + "' failed to satisfy constraint: " + constraint);
        return this;
    }

    /** A required {@code member} is missing. */
    public ConstraintViolations missing(String member) {
        violations.add("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
        return this;
    }

    /** Adds a violation when {@code value} is outside {@code min}–{@code max} (the bound it passes is named). */
    public ConstraintViolations range(String member, long value, long min, long max) {
        if (value < min) {
            add(value, member, "Member must have value greater than or equal to " + min);
        } else if (value > max) {
            add(value, member, "Member must have value less than or equal to " + max);
        }
        return this;
    }

    /** Adds a violation when {@code value} is shorter than {@code min} characters. */
    public ConstraintViolations minLength(String member, String value, int min) {
        if (value.length() < min) {
            add(value, member, "Member must have length greater than or equal to " + min);
        }
        return this;
    }

    /** Adds a violation when {@code value} is longer than {@code max} characters. */
    public ConstraintViolations maxLength(String member, String value, int max) {
        if (value.length() > max) {
            add(value, member, "Member must have length less than or equal to " + max);
        }
        return this;
    }

    /** Adds a violation when {@code value} does not match {@code pattern} as a whole; the pattern is quoted as written. */
    public ConstraintViolations pattern(String member, String value, Pattern pattern) {
        return pattern(member, value, pattern, pattern.pattern());
    }

    /**
     * Adds a violation when {@code value} does not match {@code pattern} as a whole, quoting {@code
     * shown}: the model's pattern as Lambda writes it, where the one matched differs in form only.
     */
    public ConstraintViolations pattern(String member, String value, Pattern pattern, String shown) {
        if (!pattern.matcher(value).matches()) {
            add(value, member, "Member must satisfy regular expression pattern: " + shown);
        }
        return this;
    }

    /** Adds a violation when {@code value} is not one of {@code allowed}, which is listed in its order. */
    public ConstraintViolations enumValue(String member, String value, Collection<String> allowed) {
        if (!allowed.contains(value)) {
            add(value, member, "Member must satisfy enum value set: [" + String.join(", ", allowed) + "]");
        }
        return this;
    }

    public boolean isEmpty() {
        return violations.isEmpty();
    }

    /** @throws LambdaException {@code ValidationException} naming every violation found, if any */
    public void throwIfAny() {
        if (!violations.isEmpty()) {
            throw exception();
        }
    }

    /** The {@code ValidationException} for the violations found; call only when there are some. */
    public LambdaException exception() {
        return exception(LambdaErrorType.ValidationException);
    }

    /**
     * The violations found as an error of another {@code type}, for the few answers where Lambda (or
     * a service beside it) uses this wording with another error type; call only when there are some.
     */
    public LambdaException exception(LambdaErrorType type) {
        if (violations.isEmpty()) {
            throw new IllegalStateException("no constraint violation to report");
        }
        int n = violations.size();
        return new LambdaException(type,
                n + (n == 1 ? " validation error detected: " : " validation errors detected: ") + String.join("; ", violations));
    }

    /** The {@code ValidationException} for one violation. */
    public static LambdaException single(Object value, String member, String constraint) {
        return new ConstraintViolations().add(value, member, constraint).exception();
    }

    /** The {@code ValidationException} for one missing required {@code member}. */
    public static LambdaException singleMissing(String member) {
        return new ConstraintViolations().missing(member).exception();
    }
}
