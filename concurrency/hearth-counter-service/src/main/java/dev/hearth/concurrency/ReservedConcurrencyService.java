package dev.hearth.concurrency;

import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.spi.StoreTransaction;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Lambda's PutFunctionConcurrency, GetFunctionConcurrency and DeleteFunctionConcurrency: validates a
 * reservation, keeps it durably in the {@link FunctionStore} (where it is deleted with its function)
 * and applies it to the {@link CounterService}, so that the store and the counter always agree.
 *
 * <p>Threading: thread-safe; changes are serialized on this object (the store transaction and the
 * counter update happen under one lock), reads are not. Failure: errors the caller should see are
 * {@link LambdaException}s ({@code ResourceNotFoundException}, {@code InvalidParameterValueException}).
 */
public final class ReservedConcurrencyService {
    private final FunctionStore store;
    private final CounterService counter;
    private final AccountContext account;

    private ReservedConcurrencyService(FunctionStore store, CounterService counter, AccountContext account) {
        this.store = store;
        this.counter = counter;
        this.account = account;
    }

    /** Loads every stored reservation into a new {@link CounterService} with the given limits. */
    public static ReservedConcurrencyService load(FunctionStore store, ConcurrencyLimits limits, AccountContext account) {
        Objects.requireNonNull(account, "account");
        CounterService counter = new CounterService(limits, store.transact(StoreTransaction::reservedConcurrencies));
        return new ReservedConcurrencyService(store, counter, account);
    }

    /** The counter that invocations acquire their permits from. */
    public CounterService counter() {
        return counter;
    }

    /**
     * PutFunctionConcurrency: reserves {@code reservedConcurrentExecutions} for the function.
     *
     * @param reservedConcurrentExecutions the request's value, null when it was missing
     * @return the reservation now in force
     */
    public synchronized int put(FunctionRef function, Integer reservedConcurrentExecutions) {
        String name = unqualified(function);
        if (reservedConcurrentExecutions == null) {
            throw ConstraintViolations.singleMissing("reservedConcurrentExecutions");
        }
        int reserved = reservedConcurrentExecutions;
        store.transact(tx -> {
            if (tx.function(name).isEmpty()) {
                // Lambda names $LATEST here, unlike in Get and Delete
                throw LambdaException.notFound("Function not found: " + account.functionArn(name, FunctionVersion.LATEST));
            }
            counter.checkReservation(name, reserved);
            tx.putReservedConcurrency(name, reserved);
            return null;
        });
        counter.reserve(name, reserved);
        return reserved;
    }

    /** GetFunctionConcurrency: the function's reservation, empty when it has none. */
    public OptionalInt get(FunctionRef function) {
        String name = unqualified(function);
        return store.transact(tx -> {
            requireFunction(tx, name);
            return tx.reservedConcurrency(name);
        });
    }

    /** DeleteFunctionConcurrency: removes the function's reservation (nothing happens when it has none). */
    public synchronized void delete(FunctionRef function) {
        String name = unqualified(function);
        store.transact(tx -> {
            requireFunction(tx, name);
            tx.deleteReservedConcurrency(name);
            return null;
        });
        counter.unreserve(name);
    }

    /**
     * Told that a function was deleted (its stored reservation went with it): frees its reservation in
     * the counter. Quick and never throws, as a function-change listener must be.
     */
    public synchronized void functionDeleted(String functionName) {
        counter.unreserve(functionName);
    }

    private void requireFunction(StoreTransaction tx, String name) {
        if (tx.function(name).isEmpty()) {
            throw LambdaException.notFound("Function not found: " + account.functionArn(name));
        }
    }

    private static String unqualified(FunctionRef function) {
        if (function.qualifier().isPresent()) {
            throw LambdaException.invalidParameter("This operation is permitted on Lambda functions only. Aliases and versions"
                    + " do not support this operation. Please specify either a function name or an unqualified function ARN.");
        }
        return function.name();
    }
}
