package dev.hearth.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** HostCapacity's two rules, its bounded wait and its throttle, with a host memory the test sets. */
final class TestHostCapacity {
    private final AtomicLong available = new AtomicLong(10_000);
    private final HostMemory memory = available::get;

    private HostCapacity host(long budgetMb, Duration maxWait, int maxWaiting) {
        return new HostCapacity("h1", new CapacitySettings(budgetMb, 500, maxWait, maxWaiting), memory);
    }

    @Test
    void startSlotsAdmitInitsUpToTheLimitInArrivalOrderAndThrottleAfterTheWait() throws Exception {
        HostCapacity host = new HostCapacity("h1", new CapacitySettings(10_000, 500, Duration.ZERO, 10).withConcurrentStarts(2), memory);
        HostCapacity.StartSlot a = host.startSlot(Duration.ZERO);
        HostCapacity.StartSlot b = host.startSlot(Duration.ZERO);
        assertThat(host.starting()).isEqualTo(2);
        assertThatThrownBy(() -> host.startSlot(Duration.ZERO)).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.TooManyRequestsException);
            assertThat(e.extraFields()).containsEntry("Reason", HostCapacity.THROTTLE_REASON);
            assertThat(e.getMessage()).contains("starting 2 sandboxes at once");
        });
        assertThat(host.usage().throttled()).isEqualTo(1);

        java.util.concurrent.CompletableFuture<HostCapacity.StartSlot> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> host.startSlot(Duration.ofMinutes(1)));
        org.awaitility.Awaitility.await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5))
                .until(() -> !waiting.isDone());
        a.close();
        a.close(); // once only
        HostCapacity.StartSlot c = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(host.starting()).isEqualTo(2);
        b.close();
        c.close();
        assertThat(host.starting()).isZero();
    }

    @Test
    void withOvercommitInvocationsReserveObservedUseUntilTheHostsFreeMemoryRunsLow() {
        HostCapacity host = new HostCapacity("h1", new CapacitySettings(1_000, 500, Duration.ZERO, 10)
                .withReserveObservedUse(true), memory);
        // nothing observed yet: half the MemorySize; observed 20 MB: 20 + 10 + 16; never more than MemorySize
        assertThat(HostCapacity.reservationMb(128, OptionalLong.empty())).isEqualTo(64);
        assertThat(HostCapacity.reservationMb(128, OptionalLong.of(20))).isEqualTo(46);
        assertThat(HostCapacity.reservationMb(128, OptionalLong.of(200))).isEqualTo(128);
        assertThat(HostCapacity.reservationMb(128, OptionalLong.of(1))).isEqualTo(HostCapacity.MIN_RESERVATION_MB);

        // 21 invocations of 128 MB functions fit a 1,000 MB budget that MemorySizes (2,688 MB) would not
        List<HostCapacity.Reservation> running = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) {
            running.add(host.admit(128, OptionalLong.of(20), 0.1));
        }
        assertThat(host.usage().runningMb()).isEqualTo(21 * 46);
        assertThatThrownBy(() -> host.admit(128, OptionalLong.of(20), 0.1)).isInstanceOf(LambdaException.class);

        // real pressure: measured free memory under the headroom stops admission at once
        running.forEach(HostCapacity.Reservation::close);
        available.set(400);
        assertThatThrownBy(() -> host.admit(128, OptionalLong.of(20), 0.1))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.getMessage()).contains("400 MB available"));
        available.set(10_000);
        host.admit(128, OptionalLong.of(20), 0.1).close();
        assertThat(host.usage().runningMb()).isZero();
    }

    @Test
    void runningInvocationsNeverReserveMoreThanTheBudget() {
        HostCapacity host = host(1024, Duration.ZERO, 10);
        HostCapacity.Reservation a = host.admit(512, 0.3);
        HostCapacity.Reservation b = host.admit(512, 0.3);

        assertThatThrownBy(() -> host.admit(128, 0.1))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.TooManyRequestsException);
                    assertThat(e.extraFields()).containsEntry("Reason", HostCapacity.THROTTLE_REASON);
                    assertThat(e.getMessage()).contains("1024 MB of 1024 MB");
                });
        a.close();
        a.close();
        assertThat(host.usage().runningMb()).isEqualTo(512);
        host.admit(512, 0.3).close();
        b.close();
        assertThat(host.usage()).satisfies(u -> {
            assertThat(u.runningMb()).isZero();
            assertThat(u.admitted()).isEqualTo(3);
            assertThat(u.throttled()).isEqualTo(1);
        });
    }

    @Test
    void aNewSandboxNeedsMeasuredMemoryAndCountsAsSettlingUntilItsMemoryShows() {
        HostCapacity host = host(100_000, Duration.ZERO, 10);
        available.set(1_500);

        HostCapacity.Reservation first = host.admit(512, 0.3);
        first.startSandbox(IdleEvictor.NONE);

        assertThat(host.usage().settlingMb()).isEqualTo(512);
        assertThat(host.roomForSandbox(512)).isFalse();
        HostCapacity.Reservation second = host.admit(512, 0.3);
        assertThatThrownBy(() -> second.startSandbox(IdleEvictor.NONE))
                .as("1500 available - 512 settling - 512 < 500 headroom").isInstanceOf(LambdaException.class)
                .hasMessageContaining("1500 MB available, 512 MB promised");
        assertThat(host.admit(512, 0.3)).as("warm invocations need no new memory").isNotNull();

        available.set(1_400);
        first.settled();
        assertThat(host.roomForSandbox(512)).isTrue();
        second.startSandbox(IdleEvictor.NONE);
        assertThat(host.usage().settlingMb()).isEqualTo(512);
        second.close();
        assertThat(host.usage().settlingMb()).isZero();
    }

    @Test
    void idleSandboxesAreEvictedToMakeRoomForANewOne() {
        HostCapacity host = host(100_000, Duration.ofSeconds(5), 10);
        available.set(600);
        List<Long> asked = new ArrayList<>();
        IdleEvictor evictor = mb -> {
            asked.add(mb);
            available.addAndGet(256);
            return 256;
        };

        HostCapacity.Reservation r = host.admit(256, 0.1);
        r.startSandbox(evictor);

        assertThat(asked).containsExactly(256L + 500 - 600);
        assertThat(host.usage().evictions()).isEqualTo(1);
        r.close();
    }

    @Test
    void aFullHostMakesCallersWaitAndServesThemWhenRoomIsFreed() throws Exception {
        HostCapacity host = host(512, Duration.ofSeconds(30), 10);
        HostCapacity.Reservation held = host.admit(512, 0.3);

        CompletableFuture<HostCapacity.Reservation> waiter = CompletableFuture.supplyAsync(
                () -> host.admit(512, 0.3), Executors.newVirtualThreadPerTaskExecutor());
        await().until(() -> host.usage().waiting() == 1);
        assertThat(waiter).isNotDone();

        held.close();

        assertThat(waiter.get()).isNotNull();
        assertThat(host.usage().waited()).isEqualTo(1);
        assertThat(host.usage().waiting()).isZero();
    }

    @Test
    void theWaitingQueueIsBounded() {
        HostCapacity host = host(128, Duration.ofSeconds(30), 0);
        host.admit(128, 0.1);

        assertThatThrownBy(() -> host.admit(128, 0.1)).isInstanceOf(LambdaException.class);
        assertThat(host.usage().throttled()).isEqualTo(1);
    }

    @Test
    void theBudgetHoldsExactlyUnderManyThreads() throws Exception {
        HostCapacity host = host(10 * 128, Duration.ofMillis(200), 1000);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger throttled = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(32)) {
            for (int i = 0; i < 2000; i++) {
                threads.submit(() -> {
                    start.await();
                    try (HostCapacity.Reservation r = host.admit(128, 0.07)) {
                        int now = running.incrementAndGet();
                        peak.accumulateAndGet(now, Math::max);
                        Thread.onSpinWait();
                        running.decrementAndGet();
                        ran.incrementAndGet();
                    } catch (LambdaException e) {
                        throttled.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(peak.get()).isLessThanOrEqualTo(10);
        assertThat(ran.get() + throttled.get()).isEqualTo(2000);
        assertThat(host.usage().runningMb()).isZero();
        assertThat(host.usage().admitted()).isEqualTo(ran.get());
    }
}
