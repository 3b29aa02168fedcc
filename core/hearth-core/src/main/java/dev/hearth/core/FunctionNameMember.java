package dev.hearth.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code FunctionName} member of a Lambda operation, with the constraints its shape in Lambda's
 * model puts on it (and on the operation's {@code Qualifier} query member, where it has one). The
 * operations differ: most take the {@code FunctionName} shape (1–140 characters, no dots in the
 * name), the reading and invoking ones the {@code NamespacedFunctionName} shape (1–256 characters,
 * dots allowed, {@code $LATEST.PUBLISHED}), and CreateFunction adds a rule of Lambda's own.
 *
 * <p>The patterns are quoted as Lambda quotes them in its answers (recorded from Lambda in 2025,
 * which adds the {@code eusc-} regions to the patterns of botocore's copy of the model).
 */
public enum FunctionNameMember {
    /**
     * The {@code FunctionName} shape: UpdateFunctionConfiguration, UpdateFunctionCode, PublishVersion,
     * the alias operations, Put/Get/DeleteFunctionConcurrency and the provisioned-concurrency
     * operations, whose {@code Qualifier} is the {@code Qualifier} shape.
     */
    FUNCTION_NAME(140, Patterns.FUNCTION_NAME, Patterns.QUALIFIER),
    /**
     * The {@code NamespacedFunctionName} shape: GetFunction, GetFunctionConfiguration, DeleteFunction,
     * ListVersionsByFunction, Invoke, InvokeAsync and the event-invoke-config operations, whose
     * {@code Qualifier} is the {@code NumericLatestPublishedOrAliasQualifier} shape.
     */
    NAMESPACED_FUNCTION_NAME(256, Patterns.NAMESPACED_FUNCTION_NAME, Patterns.NAMESPACED_QUALIFIER),
    /**
     * CreateFunction's {@code FunctionName} (the {@code FunctionName} shape), where Lambda also refuses
     * a name of more than 64 characters, as an {@code InvalidParameterValueException} in the wording of
     * a constraint ("Member must have length less than or equal to 64").
     */
    CREATE_FUNCTION_NAME(140, Patterns.FUNCTION_NAME, Patterns.QUALIFIER);

    /** The longest name of a function that Lambda creates. */
    public static final int MAX_CREATED_NAME = 64;

    private final int maxLength;
    private final String pattern;
    private final Pattern compiled;
    private final String qualifierPattern;
    private final Pattern qualifierCompiled;

    FunctionNameMember(int maxLength, String pattern, String qualifierPattern) {
        this.maxLength = maxLength;
        this.pattern = pattern;
        this.compiled = Pattern.compile(pattern);
        this.qualifierPattern = qualifierPattern;
        this.qualifierCompiled = Pattern.compile(qualifierPattern);
    }

    /** The member's maximum length in characters. */
    public int maxLength() {
        return maxLength;
    }

    /** The member's pattern as Lambda quotes it. */
    public String pattern() {
        return pattern;
    }

    /**
     * Adds the violations of {@code value} as the {@code functionName} member (its length, then its
     * pattern, in the order Lambda lists them) to {@code violations}.
     */
    public ConstraintViolations check(String value, ConstraintViolations violations) {
        return violations.minLength("functionName", value, 1)
                .maxLength("functionName", value, maxLength)
                .pattern("functionName", value, compiled, pattern);
    }

    /** Adds the violations of {@code value} as the operation's {@code qualifier} query member to {@code violations}. */
    public ConstraintViolations checkQualifier(String value, ConstraintViolations violations) {
        return violations.minLength("qualifier", value, 1)
                .maxLength("qualifier", value, 128)
                .pattern("qualifier", value, qualifierCompiled, qualifierPattern);
    }

    /**
     * Adds the violations of a request's {@code qualifier} (when given) and {@code functionName}, in
     * the order Lambda lists them (the qualifier first).
     */
    ConstraintViolations check(String functionName, Optional<String> qualifier, ConstraintViolations violations) {
        qualifier.ifPresent(q -> checkQualifier(q, violations));
        return check(functionName, violations);
    }

    /** Lambda's patterns as it quotes them. */
    static final class Patterns {
        private static final String PREFIX =
                "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?";
        static final String FUNCTION_NAME = PREFIX + "([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
        static final String NAMESPACED_FUNCTION_NAME = PREFIX + "([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
        static final String QUALIFIER = "(|[a-zA-Z0-9$_-]+)";
        static final String NAMESPACED_QUALIFIER = "\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

        private Patterns() {}
    }
}
