package dev.hearth.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a function as callers write it in a path or a parameter: a plain name
 * ({@code my-function}), a partial ARN ({@code 123456789012:function:my-function}) or a full ARN
 * ({@code arn:aws:lambda:us-west-2:123456789012:function:my-function}), each optionally followed by
 * {@code :QUALIFIER} (a version number, {@code $LATEST}, or an alias name).
 *
 * <p>A reference is typed: it carries the account and region the function lives in (the ARN's, or
 * the caller's for a plain name), so that every component after the edge — the invocation service,
 * the asynchronous pollers, the control plane — knows whose function it is without parsing an ARN
 * again.
 *
 * <p>Parsing validates the shape only, by the constraints of the operation's {@link
 * FunctionNameMember}; whether the function exists is the control plane's business. An ARN naming
 * another region than the caller's is not found, and one of another account is denied, as Lambda
 * answers them.
 *
 * @param account the account and region the function lives in
 * @param name the function's name
 * @param qualifier a version number, {@code $LATEST} or an alias name, when one was given
 */
public record FunctionRef(AccountContext account, String name, Optional<String> qualifier) {
    /** A qualifier Lambda accepts in a reference: {@code $LATEST}, a version number or an alias name. */
    public static final Pattern QUALIFIER = Pattern.compile("\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_$]{1,128}");

    /** The one partition Hearth's ARNs are in, as Lambda's commercial regions'. */
    private static final String PARTITION = "aws";
    /** Any name a reference may carry (a function of that name need not exist): the model's widest rule. */
    private static final Pattern REFERABLE_NAME = Pattern.compile("[a-zA-Z0-9-_.]{1,256}");
    /** The parts of a reference the model's pattern admitted, as named groups (the model's own groups are unnamed). */
    private static final Pattern PARTS = Pattern.compile("(?:arn:(?<partition>aws[a-zA-Z-]*)?:lambda:)?"
            + "(?:(?<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d):)?(?:(?<account>\\d{12}):)?(?:function:)?"
            + "(?<name>[a-zA-Z0-9-_.]+)(?::(?<qualifier>\\$LATEST(?:\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?");

    public FunctionRef {
        java.util.Objects.requireNonNull(account, "account");
        new ConstraintViolations()
                .pattern("functionName", name, REFERABLE_NAME, FunctionNameMember.NAMESPACED_FUNCTION_NAME.pattern())
                .throwIfAny();
        qualifier.ifPresent(q -> new ConstraintViolations()
                .pattern("qualifier", q, QUALIFIER, FunctionNameMember.Patterns.NAMESPACED_QUALIFIER)
                .throwIfAny());
    }

    /** The unqualified function {@code name} of {@code account}. */
    public static FunctionRef of(AccountContext account, String name) {
        return new FunctionRef(account, name, Optional.empty());
    }

    /** The same function with {@code qualifier} (a version number, {@code $LATEST} or an alias). */
    public FunctionRef qualified(String qualifier) {
        return new FunctionRef(account, name, Optional.of(qualifier));
    }

    /** The same function without a qualifier. */
    public FunctionRef unqualified() {
        return new FunctionRef(account, name, Optional.empty());
    }

    /** {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}. */
    public String arn() {
        return qualifier.map(q -> account.functionArn(name, q)).orElseGet(() -> account.functionArn(name));
    }

    /**
     * Parses a function name, partial ARN or full ARN, as found (already percent-decoded) in a path or
     * a body, as the {@code FunctionName} member {@code member} of an operation without a separate
     * qualifier.
     *
     * @throws LambdaException as {@link #parse(String, Optional, AccountContext, FunctionNameMember)} does
     */
    public static FunctionRef parse(String text, AccountContext account, FunctionNameMember member) {
        return parse(text, Optional.empty(), account, member);
    }

    /**
     * Parses a function name, partial ARN or full ARN, as found (already percent-decoded) in a path or
     * a body, as the {@code FunctionName} member {@code member} of an operation, together with the
     * operation's {@code Qualifier} query member when one was given.
     *
     * <p>Lambda's answers: the members' constraints (length, pattern) broken make one {@code
     * ValidationException} naming each; an ARN of another partition ({@code arn:aws-cn:}) or of another
     * region is not found (404), one of another
     * account denied (403); a qualifier in the reference and a separate one must agree ({@code
     * InvalidParameterValueException}); CreateFunction refuses a name over 64 characters ({@code
     * InvalidParameterValueException}). A name within the constraints that no function can have (65 to
     * 140 characters, dots) is left to the lookup, which does not find it, as Lambda's does not.
     */
    public static FunctionRef parse(String text, Optional<String> qualifier, AccountContext account, FunctionNameMember member) {
        java.util.Objects.requireNonNull(text, "text");
        member.check(text, qualifier, new ConstraintViolations()).throwIfAny();
        Matcher m = PARTS.matcher(text);
        if (!m.matches()) {
            throw new IllegalStateException("the model's pattern admitted what Hearth cannot parse: " + text);
        }
        if (m.group("partition") != null && !m.group("partition").equals(PARTITION)) {
            // Another partition's ARN (aws-cn, aws-us-gov ...) names no function of this one.
            throw LambdaException.notFound("Function not found: " + text);
        }
        if (m.group("region") != null || m.group("account") != null) {
            checkOwner(text, Optional.ofNullable(m.group("region")).orElse(account.region()),
                    Optional.ofNullable(m.group("account")).orElse(account.accountId()), account);
        }
        if (member == FunctionNameMember.CREATE_FUNCTION_NAME && m.group("name").length() > FunctionNameMember.MAX_CREATED_NAME) {
            throw new ConstraintViolations().add(text, "functionName", "Member must have length less than or equal to "
                    + FunctionNameMember.MAX_CREATED_NAME).exception(LambdaErrorType.InvalidParameterValueException);
        }
        return new FunctionRef(account, m.group("name"), Optional.ofNullable(m.group("qualifier"))).withQualifier(qualifier);
    }

    /**
     * The account and region a reference names as written (a full or partial ARN's; {@code caller}'s
     * for what it leaves out), without validating it: what the server routes a request to the cell of.
     * A reference Hearth cannot read, or of another partition, is {@code caller}'s (its cell answers
     * the error).
     */
    public static AccountContext ownerOf(String text, AccountContext caller) {
        Matcher m = PARTS.matcher(text);
        if (!m.matches() || (m.group("partition") != null && !m.group("partition").equals(PARTITION))) {
            return caller;
        }
        String region = Optional.ofNullable(m.group("region")).orElse(caller.region());
        String accountId = Optional.ofNullable(m.group("account")).orElse(caller.accountId());
        return AccountContext.isRegionName(region) ? new AccountContext(region, accountId) : caller;
    }

    /**
     * Combines a qualifier found in the reference with one given separately (the {@code Qualifier}
     * query parameter): both may be given only when they agree, as Lambda requires.
     */
    public FunctionRef withQualifier(Optional<String> separate) {
        if (separate.isEmpty()) {
            return this;
        }
        if (qualifier.isPresent() && !qualifier.equals(separate)) {
            throw LambdaException.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        return new FunctionRef(account, name, separate);
    }

    /**
     * Lambda's answers for an ARN outside the caller's account and region: another region is not
     * reachable (404, as Lambda words it); another account's function is denied (403) here, where the
     * reference is read in the caller's own account: a request that names another account's function
     * in its path is served by that account's cell, which checks the function's resource-based policy.
     */
    private static void checkOwner(String text, String region, String accountId, AccountContext account) {
        if (!account.region().equals(region)) {
            throw LambdaException.notFound("Functions from '" + region + "' are not reachable in this region ('"
                    + account.region() + "')");
        }
        if (!account.accountId().equals(accountId)) {
            throw new LambdaException(LambdaErrorType.AccessDeniedException, "User: arn:aws:iam::" + account.accountId()
                    + ":root is not authorized to perform this operation on resource: " + text
                    + " because no resource-based policy allows it");
        }
    }
}
