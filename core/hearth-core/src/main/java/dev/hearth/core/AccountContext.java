package dev.hearth.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The region and account id that this Hearth installation reports in ARNs. Hearth is single-tenant:
 * one installation is one account in one region, both configurable.
 */
public record AccountContext(String region, String accountId) {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");

    public static final AccountContext DEFAULT = new AccountContext("us-east-1", "000000000000");

    public AccountContext {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("an account id is 12 digits: " + accountId);
        }
    }

    /** {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME}. */
    public String functionArn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    /** {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER}. */
    public String functionArn(String functionName, String qualifier) {
        return functionArn(functionName) + ":" + qualifier;
    }
}
