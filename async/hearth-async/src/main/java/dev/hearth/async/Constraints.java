package dev.hearth.async;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.List;

/**
 * AWS's wording for request members outside their service-model constraints: each violation is
 * {@code Value 'V' at 'member' failed to satisfy constraint: Member must …}, and all of a request's
 * violations make one {@code ValidationException}, "1 validation error detected: …" or "N validation
 * errors detected: …; …".
 */
final class Constraints {
    private Constraints() {}

    /** Adds a violation when {@code value} is outside {@code min}–{@code max}. */
    static void range(List<String> violations, String member, long value, long min, long max) {
        if (value < min) {
            violations.add(violation(String.valueOf(value), member, "Member must have value greater than or equal to " + min));
        } else if (value > max) {
            violations.add(violation(String.valueOf(value), member, "Member must have value less than or equal to " + max));
        }
    }

    /** Adds a violation when {@code value} is longer than {@code max} characters. */
    static void maxLength(List<String> violations, String member, String value, int max) {
        if (value.length() > max) {
            violations.add(violation(value, member, "Member must have length less than or equal to " + max));
        }
    }

    /** Adds a violation when {@code value} does not match {@code pattern}, which is quoted as written. */
    static void pattern(List<String> violations, String member, String value, java.util.regex.Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            violations.add(violation(value, member, "Member must satisfy regular expression pattern: " + pattern.pattern()));
        }
    }

    /** @throws LambdaException {@code ValidationException} naming every violation, if there is any */
    static void throwIfAny(List<String> violations) {
        if (violations.isEmpty()) {
            return;
        }
        String count = violations.size() == 1 ? "1 validation error detected: " : violations.size() + " validation errors detected: ";
        throw new LambdaException(LambdaErrorType.ValidationException, count + String.join("; ", violations));
    }

    private static String violation(String value, String member, String constraint) {
        return "Value '" + value + "' at '" + member + "' failed to satisfy constraint: " + constraint;
    }
}
