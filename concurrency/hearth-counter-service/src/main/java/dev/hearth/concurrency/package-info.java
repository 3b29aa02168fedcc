/**
 * Lambda's Counter service: how many invocations run at once, per account and per function, and
 * the throttling that keeps those counts within their limits.
 *
 * <p>{@link dev.hearth.concurrency.CounterService} is the in-memory, exact count that every
 * invocation passes through (acquire a {@link dev.hearth.concurrency.ConcurrencyPermit} before
 * running, close it after). {@link dev.hearth.concurrency.ReservedConcurrencyService} implements
 * Put/Get/DeleteFunctionConcurrency: it validates a reservation, keeps it durably in the function
 * store and applies it to the counter.
 */
package dev.hearth.concurrency;
