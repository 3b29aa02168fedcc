package dev.hearth.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An account in a region: whose a function, a queue or a log is, and what its ARNs say. Lambda is
 * regional and per account, and so is Hearth: a request acts in the region it is signed for and the
 * account its credentials name, and what one (account, region) has, no other sees.
 */
public record AccountContext(String region, String accountId) {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");

    public static final AccountContext DEFAULT = new AccountContext("us-east-1", "000000000000");

    /** Whether {@code name} has the shape of an AWS region name ({@code us-east-1}, {@code us-gov-west-1}). */
    public static boolean isRegionName(String name) {
        return name != null && REGION.matcher(name).matches();
    }

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
