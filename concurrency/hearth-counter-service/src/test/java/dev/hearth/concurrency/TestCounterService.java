package dev.hearth.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

final class TestCounterService {

    @Test
    void accountLimitThrottlesTheInvocationBeyondIt() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(3));
        List<ConcurrencyPermit> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(counter.acquire("f" + i));
        }
        assertThrottled(() -> counter.acquire("other"), ThrottleReason.ConcurrentInvocationLimitExceeded);
        assertThat(counter.inFlight()).isEqualTo(3);

        running.getFirst().close();
        try (ConcurrencyPermit again = counter.acquire("other")) {
            assertThat(counter.inFlight()).isEqualTo(3);
        }
        running.forEach(ConcurrencyPermit::close);
        assertThat(counter.inFlight()).isZero();
    }

    @Test
    void closingAPermitTwiceReleasesOnce() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(2));
        ConcurrencyPermit first = counter.acquire("f");
        ConcurrencyPermit second = counter.acquire("f");
        first.close();
        first.close();
        assertThat(counter.inFlight()).isEqualTo(1);
        try (ConcurrencyPermit third = counter.acquire("f")) {
            assertThrottled(() -> counter.acquire("f"), ThrottleReason.ConcurrentInvocationLimitExceeded);
        }
        second.close();
        assertThat(counter.inFlight()).isZero();
    }

    @Test
    void aReservationIsBothTheFunctionsMaximumAndSetAsideFromTheOthers() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(200));
        counter.reserve("reserved", 60);
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(140);
        assertThat(counter.reservedConcurrency("reserved")).hasValue(60);
        assertThat(counter.reservedConcurrency("shared")).isEmpty();

        List<ConcurrencyPermit> running = new ArrayList<>();
        for (int i = 0; i < 140; i++) {
            running.add(counter.acquire(i % 2 == 0 ? "shared" : "also-shared"));
        }
        assertThrottled(() -> counter.acquire("shared"), ThrottleReason.ConcurrentInvocationLimitExceeded);
        // the unreserved functions used up their pool; the reservation is still whole
        for (int i = 0; i < 60; i++) {
            running.add(counter.acquire("reserved"));
        }
        assertThrottled(() -> counter.acquire("reserved"), ThrottleReason.ReservedFunctionConcurrentInvocationLimitExceeded);
        assertThat(counter.inFlight()).isEqualTo(200);
        assertThat(counter.unreservedInFlight()).isEqualTo(140);
        assertThat(counter.reservedInFlight("reserved")).hasValue(60);
        assertThat(counter.reservedInFlight("shared")).isEmpty();
        running.forEach(ConcurrencyPermit::close);
        assertThat(counter.inFlight()).isZero();
    }

    @Test
    void aFunctionWithAReservationCannotBorrowFromTheUnreservedPool() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(1000));
        counter.reserve("f", 2);
        try (ConcurrencyPermit a = counter.acquire("f"); ConcurrencyPermit b = counter.acquire("f")) {
            assertThat(counter.unreservedInFlight()).isZero();
            assertThrottled(() -> counter.acquire("f"), ThrottleReason.ReservedFunctionConcurrentInvocationLimitExceeded);
        }
    }

    @Test
    void reservationsMustLeaveTheMinimumUnreserved() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(1000));
        counter.reserve("a", 900);
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(100);
        assertThatThrownBy(() -> counter.reserve("b", 1))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException))
                .hasMessage("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution"
                        + " below its minimum value of [100].");
        assertThatThrownBy(() -> counter.reserve("a", 901)).isInstanceOf(LambdaException.class);
        assertThat(counter.reservations()).containsOnly(Map.entry("a", 900));

        counter.reserve("a", 800);
        counter.reserve("b", 100);
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(100);
        counter.unreserve("a");
        counter.unreserve("a");
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(900);
        assertThat(counter.reservations()).containsOnly(Map.entry("b", 100));
    }

    @Test
    void aSmallAccountKeepsItsWholeLimitUnreserved() {
        ConcurrencyLimits limits = ConcurrencyLimits.forAccountLimit(10);
        assertThat(limits.minimumUnreserved()).isEqualTo(10);
        CounterService counter = new CounterService(limits);
        assertThatThrownBy(() -> counter.reserve("f", 1)).hasMessageContaining("minimum value of [10]");
        assertThat(ConcurrencyLimits.LAMBDA_DEFAULTS).isEqualTo(new ConcurrencyLimits(1000, 100));
        assertThatThrownBy(() -> new ConcurrencyLimits(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConcurrencyLimits(5, 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reservationsStoredUnderALargerLimitAreKeptButOnlyMayShrink() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(200), Map.of("a", 150, "b", 100));
        assertThat(counter.unreservedConcurrentExecutions()).isZero();
        assertThrottled(() -> counter.acquire("unreserved"), ThrottleReason.ConcurrentInvocationLimitExceeded);
        assertThatThrownBy(() -> counter.reserve("a", 151)).hasMessageContaining("minimum value of [100]");
        assertThatThrownBy(() -> counter.reserve("c", 1)).hasMessageContaining("minimum value of [100]");
        counter.reserve("a", 50);
        assertThat(counter.reservations()).containsOnly(Map.entry("a", 50), Map.entry("b", 100));
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(50);
        try (ConcurrencyPermit permit = counter.acquire("unreserved")) {
            assertThat(counter.unreservedInFlight()).isEqualTo(1);
        }
    }

    @Test
    void negativeReservationsAreRefused() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(1000));
        assertThatThrownBy(() -> counter.reserve("f", -1)).hasMessage("1 validation error detected: Value '-1' at"
                + " 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0");
    }

    @Test
    void reservedZeroStopsTheFunction() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(1000), Map.of("stopped", 0));
        assertThat(counter.reservedConcurrency("stopped")).hasValue(0);
        for (int i = 0; i < 3; i++) {
            assertThrottled(() -> counter.acquire("stopped"), ThrottleReason.ReservedFunctionConcurrentInvocationLimitExceeded);
        }
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(1000);
        counter.unreserve("stopped");
        try (ConcurrencyPermit permit = counter.acquire("stopped")) {
            assertThat(counter.inFlight()).isEqualTo(1);
        }
    }

    @Test
    void aNewReservationNeverLetsTheAccountExceedItsLimitWhileEarlierInvocationsRun() {
        CounterService counter = new CounterService(new ConcurrencyLimits(10, 0));
        List<ConcurrencyPermit> early = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            early.add(counter.acquire("f"));
        }
        counter.reserve("f", 5);
        assertThat(counter.unreservedConcurrentExecutions()).isEqualTo(5);
        // 8 of f still run in the unreserved pool: only 2 more fit in the account
        ConcurrencyPermit one = counter.acquire("f");
        ConcurrencyPermit two = counter.acquire("f");
        assertThrottled(() -> counter.acquire("f"), ThrottleReason.ConcurrentInvocationLimitExceeded);
        assertThrottled(() -> counter.acquire("g"), ThrottleReason.ConcurrentInvocationLimitExceeded);
        assertThat(counter.inFlight()).isEqualTo(10);

        early.forEach(ConcurrencyPermit::close);
        assertThat(counter.unreservedInFlight()).isZero();
        List<ConcurrencyPermit> later = new ArrayList<>(List.of(one, two));
        for (int i = 0; i < 3; i++) {
            later.add(counter.acquire("f"));
        }
        assertThrottled(() -> counter.acquire("f"), ThrottleReason.ReservedFunctionConcurrentInvocationLimitExceeded);
        later.forEach(ConcurrencyPermit::close);
        assertThat(counter.inFlight()).isZero();
    }

    @Test
    void aFailingInvocationReleasesItsPermit() {
        CounterService counter = new CounterService(ConcurrencyLimits.forAccountLimit(1));
        assertThatThrownBy(() -> {
            try (ConcurrencyPermit permit = counter.acquire("f")) {
                throw new IllegalStateException("the function failed");
            }
        }).hasMessage("the function failed");
        assertThat(counter.inFlight()).isZero();
    }

    @Test
    void countsStayExactUnderAStormOfThreads() throws Exception {
        CounterService counter = new CounterService(new ConcurrencyLimits(10, 2));
        counter.reserve("reserved", 4);
        int threads = 64;
        int attempts = 2_000;
        AtomicInteger reservedRunning = new AtomicInteger();
        AtomicInteger sharedRunning = new AtomicInteger();
        AtomicInteger maxReserved = new AtomicInteger();
        AtomicInteger maxShared = new AtomicInteger();
        AtomicInteger maxSeenByObserver = new AtomicInteger();
        LongAdder ran = new LongAdder();
        LongAdder throttled = new LongAdder();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads + 1)) {
            Future<?> observer = pool.submit(() -> {
                while (!done.get()) {
                    maxSeenByObserver.accumulateAndGet(counter.inFlight(), Math::max);
                    Thread.onSpinWait();
                }
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean reservedFunction = t % 2 == 0;
                String name = reservedFunction ? "reserved" : "shared-" + t % 5;
                AtomicInteger running = reservedFunction ? reservedRunning : sharedRunning;
                AtomicInteger max = reservedFunction ? maxReserved : maxShared;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attempts; i++) {
                        try (ConcurrencyPermit permit = counter.acquire(name)) {
                            max.accumulateAndGet(running.incrementAndGet(), Math::max);
                            Thread.yield();
                            running.decrementAndGet();
                            ran.increment();
                        } catch (LambdaException e) {
                            assertThat(e.type()).isEqualTo(LambdaErrorType.TooManyRequestsException);
                            throttled.increment();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get();
            }
            done.set(true);
            observer.get();
        }
        assertThat(maxReserved.get()).isBetween(1, 4);
        assertThat(maxShared.get()).isBetween(1, 6);
        assertThat(maxSeenByObserver.get()).isLessThanOrEqualTo(10);
        assertThat(ran.sum() + throttled.sum()).isEqualTo((long) threads * attempts);
        assertThat(throttled.sum()).isPositive();
        assertThat(counter.inFlight()).isZero();
        assertThat(counter.unreservedInFlight()).isZero();
        assertThat(counter.reservedInFlight("reserved")).hasValue(0);
    }

    private static void assertThrottled(ThrowingCallable call, ThrottleReason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.TooManyRequestsException);
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e.getMessage()).isEqualTo("Rate Exceeded.");
            assertThat(e.extraFields()).containsExactly(Map.entry("Reason", reason.name()));
        });
    }
}
