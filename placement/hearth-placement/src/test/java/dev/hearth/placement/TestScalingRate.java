package dev.hearth.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-function token bucket, on a clock the test moves. */
final class TestScalingRate {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;

    @Test
    void aFunctionMayStartItsBurstAtOnceThenRefillsContinuously() {
        ScalingRate rate = new ScalingRate(10, Duration.ofSeconds(10), clock);
        for (int i = 0; i < 10; i++) {
            assertThat(rate.tryAcquire("f")).isTrue();
        }
        assertThat(rate.tryAcquire("f")).isFalse();
        assertThat(rate.tryAcquire("other")).as("buckets are per function").isTrue();

        now.set(now.get().plusMillis(999));
        assertThat(rate.tryAcquire("f")).isFalse();
        now.set(now.get().plusMillis(1));
        assertThat(rate.tryAcquire("f")).isTrue();

        now.set(now.get().plus(Duration.ofHours(1)));
        assertThat(rate.available("f")).as("never more than the burst").isEqualTo(10.0);
    }

    @Test
    void overTheRateLambdasThrottleIsRaised() {
        ScalingRate rate = new ScalingRate(1, Duration.ofSeconds(10), clock);
        rate.acquire("f");

        assertThatThrownBy(() -> rate.acquire("f")).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.extraFields()).containsEntry("Reason", "FunctionInvocationRateLimitExceeded");
            assertThat(e.getMessage()).startsWith("Rate Exceeded.").contains("1 per 10 s");
        });
        rate.forget("f");
        assertThat(rate.tryAcquire("f")).isTrue();
    }

    @Test
    void lambdasDefaultIsAThousandPerTenSeconds() {
        ScalingRate rate = ScalingRate.lambdaDefault(clock);
        assertThat(rate.available("f")).isEqualTo(1000.0);
        now.set(now.get());
        for (int i = 0; i < 1000; i++) {
            rate.acquire("f");
        }
        assertThat(rate.tryAcquire("f")).isFalse();
        now.set(now.get().plusMillis(10));
        assertThat(rate.tryAcquire("f")).isTrue();
    }

    @Test
    void exactlyTheBurstIsGrantedUnderManyThreads() throws Exception {
        ScalingRate rate = new ScalingRate(500, Duration.ofSeconds(10), clock);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 5000; i++) {
                threads.submit(() -> {
                    start.await();
                    if (rate.tryAcquire("f")) {
                        granted.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(granted.get()).isEqualTo(500);
    }
}
