package dev.hearth.concurrency;

/** Lambda's {@code Reason} of a {@code TooManyRequestsException}, for the limits Hearth enforces. */
public enum ThrottleReason {
    /** The account's unreserved concurrency (or the account limit itself) is used up. */
    ConcurrentInvocationLimitExceeded,
    /** The function's reserved concurrency is used up (or is 0: the function is stopped). */
    ReservedFunctionConcurrentInvocationLimitExceeded
}
