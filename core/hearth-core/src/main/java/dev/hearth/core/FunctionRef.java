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
 * <p>Parsing validates the shape only; whether the function exists is the control plane's business.
 * An ARN naming another region than the caller's is not found, and one of another account is
 * denied, as Lambda answers them.
 *
 * @param account the account and region the function lives in
 * @param name the function's name
 * @param qualifier a version number, {@code $LATEST} or an alias name, when one was given
 */
public record FunctionRef(AccountContext account, String name, Optional<String> qualifier) {
    /** Lambda's function-name rule: letters, digits, hyphens and underscores, 1–64 characters. */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-_]{1,64}");
    /** Lambda's qualifier rule: {@code $LATEST}, a version number or an alias name. */
    public static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[a-zA-Z0-9-_]{1,128}");

    private static final Pattern FULL = Pattern.compile(
            "arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov)?-[a-z]+-\\d{1}):(\\d{12}):function:([^:]+)(?::([^:]+))?");
    private static final Pattern PARTIAL = Pattern.compile("(\\d{12}):function:([^:]+)(?::([^:]+))?");
    private static final Pattern PLAIN = Pattern.compile("([^:]+)(?::([^:]+))?");

    public FunctionRef {
        java.util.Objects.requireNonNull(account, "account");
        if (!NAME.matcher(name).matches()) {
            throw LambdaException.invalidParameter("1 validation error detected: Value '" + name
                    + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }
        qualifier.ifPresent(q -> {
            if (!QUALIFIER.matcher(q).matches()) {
                throw LambdaException.invalidParameter("1 validation error detected: Value '" + q
                        + "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
            }
        });
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
     * Parses a function name, partial ARN or full ARN, as found (already percent-decoded) in a path.
     *
     * @throws LambdaException InvalidParameterValueException for a malformed reference or an ARN of
     *     another account or region
     */
    public static FunctionRef parse(String text, AccountContext account) {
        if (text == null || text.isEmpty() || text.length() > 170) {
            throw LambdaException.invalidParameter("1 validation error detected: Value '" + text
                    + "' at 'functionName' failed to satisfy constraint: Member must have length between 1 and 170");
        }
        Matcher m = FULL.matcher(text);
        if (m.matches()) {
            checkOwner(text, m.group(2), m.group(3), account);
            return new FunctionRef(account, m.group(4), Optional.ofNullable(m.group(5)));
        }
        m = PARTIAL.matcher(text);
        if (m.matches()) {
            checkOwner(text, account.region(), m.group(1), account);
            return new FunctionRef(account, m.group(2), Optional.ofNullable(m.group(3)));
        }
        m = PLAIN.matcher(text);
        if (m.matches() && !text.startsWith("arn:")) {
            return new FunctionRef(account, m.group(1), Optional.ofNullable(m.group(2)));
        }
        throw LambdaException.invalidParameter("1 validation error detected: Value '" + text
                + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
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
     * reachable (404, as Lambda words it); another account's function needs a resource-based policy
     * allowing the caller, which Hearth does not have yet (403).
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
