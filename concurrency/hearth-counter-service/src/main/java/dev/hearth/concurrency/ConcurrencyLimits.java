package dev.hearth.concurrency;

/**
 * Account-level concurrency settings.
 *
 * @param accountLimit how many invocations of all functions may run at once (Lambda's
 *     {@code ConcurrentExecutions}; 1000 by default)
 * @param minimumUnreserved how much of the account limit reservations must leave to functions
 *     without one (Lambda keeps 100, or the whole limit when it is smaller)
 */
public record ConcurrencyLimits(int accountLimit, int minimumUnreserved) {
    public static final int DEFAULT_ACCOUNT_LIMIT = 1000;
    public static final int LAMBDA_MINIMUM_UNRESERVED = 100;
    public static final ConcurrencyLimits LAMBDA_DEFAULTS = forAccountLimit(DEFAULT_ACCOUNT_LIMIT);

    public ConcurrencyLimits {
        if (accountLimit < 1) {
            throw new IllegalArgumentException("the account concurrency limit must be at least 1: " + accountLimit);
        }
        if (minimumUnreserved < 0 || minimumUnreserved > accountLimit) {
            throw new IllegalArgumentException("the minimum unreserved concurrency must be 0-" + accountLimit + ": "
                    + minimumUnreserved);
        }
    }

    /** Lambda's rule for an account limit: at least 100 unreserved, or all of it when the limit is below 100. */
    public static ConcurrencyLimits forAccountLimit(int accountLimit) {
        return new ConcurrencyLimits(accountLimit, Math.min(LAMBDA_MINIMUM_UNRESERVED, accountLimit));
    }
}
