package dev.hearth.concurrency;

import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's Counter service: counts the invocations running right now and refuses one that would
 * exceed a limit, exactly, however many threads ask at once.
 *
 * <p>Semantics, as Lambda documents them: the account may run {@link ConcurrencyLimits#accountLimit()}
 * invocations at once. A function with reserved concurrency {@code N} runs at most {@code N} at once
 * (0 stops it), and those {@code N} are set aside from the account: functions without a reservation
 * share the rest, the <em>unreserved</em> pool. A reservation may never leave less than
 * {@link ConcurrencyLimits#minimumUnreserved()} unreserved. When a reservation changes, running
 * invocations finish where they started; new ones see the new limits, and the account limit holds
 * throughout.
 *
 * <p>Threading: {@link #acquire} and permit release are lock-free (a map lookup and two
 * compare-and-set loops); reservation changes are serialized on this object and rare.
 * Failure: a refused invocation is a {@link LambdaException} {@code TooManyRequestsException} (429)
 * with Lambda's message and {@code Reason}.
 */
public final class CounterService {
    /** Lambda's message for a concurrency throttle. */
    public static final String THROTTLE_MESSAGE = "Rate Exceeded.";
    private static final Logger LOG = LoggerFactory.getLogger(CounterService.class);

    private final ConcurrencyLimits limits;
    private final ConcurrencyPool account;
    private final ConcurrencyPool unreserved;
    private final ConcurrentHashMap<String, ConcurrencyPool> reserved = new ConcurrentHashMap<>();
    /** Sum of all reservations; guarded by {@code this}. */
    private int reservedTotal;

    /**
     * A counter with the given limits and stored reservations (function name to reserved concurrency).
     * Reservations made under a larger account limit are kept even when they leave less than the
     * minimum unreserved (a warning is logged); new reservations are then refused until enough are
     * deleted.
     */
    public CounterService(ConcurrencyLimits limits, Map<String, Integer> reservations) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.account = new ConcurrencyPool(limits.accountLimit());
        this.unreserved = new ConcurrencyPool(limits.accountLimit());
        synchronized (this) {
            reservations.forEach(this::apply);
            if (limits.accountLimit() - reservedTotal < limits.minimumUnreserved()) {
                // Stored under a larger account limit: honoured, so that nothing is lost, but new
                // reservations are refused until enough are deleted.
                LOG.warn("Reserved concurrency ({} in all) leaves less than the minimum of {} unreserved of the account"
                        + " limit {}; no function can reserve more until reservations are deleted or the limit is raised.",
                        reservedTotal, limits.minimumUnreserved(), limits.accountLimit());
            }
        }
    }

    public CounterService(ConcurrencyLimits limits) {
        this(limits, Map.of());
    }

    /**
     * Counts one more running invocation of {@code functionName}; the caller runs it and then closes
     * the permit (try-with-resources, so that failures and timeouts release it too).
     *
     * @throws LambdaException TooManyRequestsException when the function's reserved concurrency or the
     *     account's unreserved concurrency is used up
     */
    public ConcurrencyPermit acquire(String functionName) {
        ConcurrencyPool pool = reserved.get(functionName);
        ThrottleReason reason = ThrottleReason.ReservedFunctionConcurrentInvocationLimitExceeded;
        if (pool == null) {
            pool = unreserved;
            reason = ThrottleReason.ConcurrentInvocationLimitExceeded;
        }
        if (!pool.tryAcquire()) {
            throw throttled(reason);
        }
        if (!account.tryAcquire()) {
            pool.release();
            throw throttled(ThrottleReason.ConcurrentInvocationLimitExceeded);
        }
        return new ConcurrencyPermit(pool, account);
    }

    /** The exception Lambda answers a throttled invocation with. */
    public static LambdaException throttled(ThrottleReason reason) {
        return new LambdaException(LambdaErrorType.TooManyRequestsException, THROTTLE_MESSAGE, Map.of("Reason", reason.name()));
    }

    public ConcurrencyLimits limits() {
        return limits;
    }

    /** GetAccountSettings' {@code ConcurrentExecutions}: the account limit. */
    public int accountLimit() {
        return limits.accountLimit();
    }

    /** GetAccountSettings' {@code UnreservedConcurrentExecutions}: the account limit minus all reservations. */
    public synchronized int unreservedConcurrentExecutions() {
        return unreservedLimit();
    }

    /** The function's reserved concurrency, when it has one. */
    public OptionalInt reservedConcurrency(String functionName) {
        ConcurrencyPool pool = reserved.get(functionName);
        return pool == null ? OptionalInt.empty() : OptionalInt.of(pool.limit());
    }

    /** A copy of every reservation, by function name. */
    public synchronized Map<String, Integer> reservations() {
        Map<String, Integer> copy = new HashMap<>();
        reserved.forEach((name, pool) -> copy.put(name, pool.limit()));
        return copy;
    }

    /** Invocations running now in the whole account. */
    public int inFlight() {
        return account.inFlight();
    }

    /** Invocations running now of functions without a reservation. */
    public int unreservedInFlight() {
        return unreserved.inFlight();
    }

    /**
     * Invocations running now of a function with a reservation (those that started under it); empty
     * for a function without one, whose invocations are counted in {@link #unreservedInFlight()}.
     */
    public OptionalInt reservedInFlight(String functionName) {
        ConcurrencyPool pool = reserved.get(functionName);
        return pool == null ? OptionalInt.empty() : OptionalInt.of(pool.inFlight());
    }

    /**
     * Checks that reserving {@code reservedConcurrentExecutions} for the function would leave the
     * minimum unreserved.
     *
     * @throws LambdaException InvalidParameterValueException with Lambda's message when it would not
     */
    public synchronized void checkReservation(String functionName, int reservedConcurrentExecutions) {
        new ConstraintViolations().range("reservedConcurrentExecutions", reservedConcurrentExecutions, 0, Integer.MAX_VALUE)
                .throwIfAny();
        int delta = reservedConcurrentExecutions - currentReservation(functionName);
        // a change that reserves less is always allowed, even where reservations stored under a
        // larger account limit already leave less than the minimum
        if (delta > 0 && (long) limits.accountLimit() - reservedTotal - delta < limits.minimumUnreserved()) {
            throw LambdaException.invalidParameter("Specified ReservedConcurrentExecutions for function decreases account's"
                    + " UnreservedConcurrentExecution below its minimum value of [" + limits.minimumUnreserved() + "].");
        }
    }

    /**
     * Sets or replaces the function's reservation, after {@link #checkReservation}.
     *
     * @throws LambdaException InvalidParameterValueException as {@link #checkReservation} does; nothing changes then
     */
    public synchronized void reserve(String functionName, int reservedConcurrentExecutions) {
        checkReservation(functionName, reservedConcurrentExecutions);
        apply(functionName, reservedConcurrentExecutions);
    }

    private void apply(String functionName, int reservedConcurrentExecutions) {
        if (reservedConcurrentExecutions < 0) {
            throw new IllegalArgumentException("negative reserved concurrency for " + functionName + ": " + reservedConcurrentExecutions);
        }
        int delta = reservedConcurrentExecutions - currentReservation(functionName);
        reservedTotal += delta;
        // Shrink the pool that gives capacity before growing the one that takes it; the account pool
        // keeps the total within the account limit while earlier invocations drain.
        if (delta > 0) {
            unreserved.setLimit(unreservedLimit());
        }
        ConcurrencyPool pool = reserved.get(functionName);
        if (pool == null) {
            reserved.put(functionName, new ConcurrencyPool(reservedConcurrentExecutions));
        } else {
            pool.setLimit(reservedConcurrentExecutions);
        }
        if (delta <= 0) {
            unreserved.setLimit(unreservedLimit());
        }
    }

    /** Removes the function's reservation (DeleteFunctionConcurrency, or the function was deleted); idempotent. */
    public synchronized void unreserve(String functionName) {
        ConcurrencyPool pool = reserved.remove(functionName);
        if (pool != null) {
            reservedTotal -= pool.limit();
            unreserved.setLimit(unreservedLimit());
        }
    }

    private int unreservedLimit() {
        return Math.max(0, limits.accountLimit() - reservedTotal);
    }

    private int currentReservation(String functionName) {
        ConcurrencyPool pool = reserved.get(functionName);
        return pool == null ? 0 : pool.limit();
    }
}
