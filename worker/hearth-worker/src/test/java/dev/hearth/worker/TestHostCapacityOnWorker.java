package dev.hearth.worker;

import static dev.hearth.worker.FakeWorkers.capacity;
import static dev.hearth.worker.FakeWorkers.eventually;
import static dev.hearth.worker.FakeWorkers.request;
import static dev.hearth.worker.FakeWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.sandbox.spi.testing.FakeRuntime;
import dev.hearth.sandbox.spi.testing.FakeSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's capacity and the scaling rate on the worker's invocation path, on the fake backend and
 * a fake host whose available memory falls by the MemorySize of every live sandbox: reservations of
 * running invocations, eviction of idle sandboxes to make room, a bounded wait, then a throttle.
 */
final class TestHostCapacityOnWorker {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeWorkers fakes;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void setUp() {
        fakes = new FakeWorkers(dir);
        fakes.answerInOrderHoldingUntil(release);
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        fakes.close();
    }

    private static void awaitBusy(Worker worker, String functionName) {
        eventually().until(() -> worker.sandboxes().stream()
                .anyMatch(s -> s.functionName().equals(functionName) && s.phase() == SandboxInfo.Phase.BUSY));
    }

    private static void assertThrottled(Runnable invocation, String reason, String message) {
        assertThatThrownBy(invocation::run).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.TooManyRequestsException);
            assertThat(e.extraFields()).containsEntry("Reason", reason);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void aBurstOfColdStartsRunsAtMostTheHostsStartSlotsInInitAtOnceAndEveryInvocationSucceeds() throws Exception {
        fakes.backend.runtime(FakeRuntime.echo().withInitDelay(Duration.ofMillis(150)));
        Worker worker = fakes.worker(c -> c.withCapacity(capacity(100_000, WAIT, 100).withConcurrentStarts(2)));
        List<CompletableFuture<InvocationResult>> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            FunctionRevision f = fakes.function("burst-" + i);
            burst.add(fakes.invokeAsync(worker, f, "\"" + i + "\""));
        }
        int mostInInit = 0;
        while (!burst.stream().allMatch(CompletableFuture::isDone)) {
            int inInit = (int) fakes.backend.launched().stream().filter(s -> s.isAlive() && !s.calledNext()).count();
            mostInInit = Math.max(mostInInit, inInit);
            Thread.onSpinWait();
        }
        for (int i = 0; i < burst.size(); i++) {
            assertThat(text(burst.get(i).get())).isEqualTo("\"" + i + "\"");
        }
        assertThat(mostInInit).isBetween(1, 2);
        assertThat(fakes.backend.launched()).hasSize(8);
    }

    @Test
    void runningInvocationsReserveTheirMemoryAndNeverExceedTheBudget() throws Exception {
        Worker worker = fakes.worker(c -> c.withCapacity(capacity(128, Duration.ZERO, 0)));
        FunctionRevision f = fakes.function("budget");
        CompletableFuture<InvocationResult> held = fakes.invokeAsync(worker, f, "hold");
        eventually().until(() -> worker.capacity().runningMb() == 128);

        assertThrottled(() -> worker.invoke(f, request(f, "x")), "HostCapacityExceeded", "reserve 128 MB of 128 MB");

        release.countDown();
        assertThat(text(held.get())).isEqualTo("#1");
        assertThat(worker.capacity().runningMb()).isZero();
        assertThat(text(worker.invoke(f, request(f, "x")))).isEqualTo("#2");
        assertThat(worker.capacity().throttled()).isEqualTo(1);
        assertThat(fakes.backend.launched()).hasSize(1);
    }

    @Test
    void anInvocationWaitsForRoomAndRunsWhenARunningOneEnds() throws Exception {
        Worker worker = fakes.worker(c -> c.withCapacity(capacity(128, WAIT, 10)));
        FunctionRevision f = fakes.function("waits");
        CompletableFuture<InvocationResult> held = fakes.invokeAsync(worker, f, "hold");
        eventually().until(() -> worker.capacity().runningMb() == 128);

        CompletableFuture<InvocationResult> waiting = fakes.invokeAsync(worker, f, "x");
        eventually().until(() -> worker.capacity().waiting() == 1);
        assertThat(waiting).isNotDone();
        release.countDown();

        assertThat(text(held.get())).isEqualTo("#1");
        assertThat(text(waiting.get())).as("the freed warm sandbox").isEqualTo("#2");
        assertThat(worker.capacity().waited()).isEqualTo(1);
        assertThat(worker.capacity().throttled()).isZero();
    }

    @Test
    void theWaitIsBoundedInTimeAndInQueueLength() {
        Worker patient = fakes.worker(c -> c.withCapacity(capacity(128, Duration.ofMillis(50), 10)));
        FunctionRevision f = fakes.function("bounded");
        fakes.invokeAsync(patient, f, "hold");
        eventually().until(() -> patient.capacity().runningMb() == 128);

        assertThrottled(() -> patient.invoke(f, request(f, "x")), "HostCapacityExceeded", "waited up to 50 ms");
        assertThat(patient.capacity().waited()).isEqualTo(1);

        Worker noQueue = fakes.worker(c -> c.withCapacity(capacity(128, WAIT, 0)));
        FunctionRevision g = fakes.function("no-queue");
        fakes.invokeAsync(noQueue, g, "hold");
        eventually().until(() -> noQueue.capacity().runningMb() == 128);

        assertThrottled(() -> noQueue.invoke(g, request(g, "x")), "HostCapacityExceeded", "reserve 128 MB");
        assertThat(noQueue.capacity().waited()).as("a full queue throttles at once").isZero();
    }

    @Test
    void idleSandboxesAreEvictedLeastRecentlyUsedFirstToMakeRoomForANewOne() {
        fakes.hostFreeMb.set(300);
        Worker worker = fakes.worker(c -> c.withCapacity(capacity(1 << 20, Duration.ofSeconds(2), 10)));
        FunctionRevision a = fakes.function("a");
        FunctionRevision b = fakes.function("b");
        FunctionRevision c = fakes.function("c");
        worker.invoke(a, request(a, "x"));
        fakes.clock.advance(Duration.ofSeconds(1));
        worker.invoke(b, request(b, "x"));
        fakes.clock.advance(Duration.ofSeconds(1));

        InvocationResult third = worker.invoke(c, request(c, "x"));

        assertThat(text(third)).isEqualTo("#1");
        eventually().untilAsserted(() -> assertThat(fakes.launchedFor("a")).singleElement()
                .satisfies(s -> assertThat(s.wasKilled()).isTrue()));
        assertThat(fakes.launchedFor("b")).singleElement().satisfies(s -> assertThat(s.isAlive()).isTrue());
        assertThat(worker.metrics().evicted()).isEqualTo(1);
        assertThat(worker.capacity().evictions()).isEqualTo(1);
    }

    @Test
    void withoutAnythingToEvictANewSandboxIsThrottledAndNeverLaunched() {
        fakes.hostFreeMb.set(100);
        Worker worker = fakes.worker(c -> c.withCapacity(capacity(1 << 20, Duration.ZERO, 0)));
        FunctionRevision f = fakes.function("no-room");

        assertThrottled(() -> worker.invoke(f, request(f, "x")), "HostCapacityExceeded",
                "a new 128 MB sandbox does not fit: 100 MB available");

        assertThat(fakes.backend.launched()).as("the refused sandbox was never launched").isEmpty();
        assertThat(worker.sandboxes()).isEmpty();
        assertThat(worker.capacity().runningMb()).isZero();
    }

    @Test
    void provisionedSandboxesAreNeverEvicted() {
        fakes.hostFreeMb.set(200);
        Worker worker = fakes.worker(c -> c.withCapacity(capacity(1 << 20, Duration.ZERO, 0)));
        FunctionRevision provisioned = fakes.function("provisioned", "1", "rev-1");
        worker.provision(provisioned, 1);
        eventually().until(() -> worker.provisioned(FakeWorkers.arn("provisioned"), "1").isReady());
        FunctionRevision f = fakes.function("on-demand");

        assertThrottled(() -> worker.invoke(f, request(f, "x")), "HostCapacityExceeded", "does not fit");

        assertThat(fakes.launchedFor("provisioned")).singleElement().satisfies(s -> assertThat(s.isAlive()).isTrue());
    }

    @Test
    void newSandboxesBeyondTheScalingRateAreThrottledWhileWarmOnesServeAndTheBucketRefills() throws Exception {
        Worker worker = fakes.worker(c -> c.withScalingRate(1, Duration.ofMinutes(1)));
        FunctionRevision f = fakes.function("scaling");
        FunctionRevision other = fakes.function("other");
        worker.invoke(f, request(f, "x"));
        CompletableFuture<InvocationResult> busy = fakes.invokeAsync(worker, f, "hold");
        awaitBusy(worker, "scaling");

        assertThrottled(() -> worker.invoke(f, request(f, "x")), "FunctionInvocationRateLimitExceeded", "");
        assertThat(text(worker.invoke(other, request(other, "x")))).as("the rate is per function").isEqualTo("#1");

        fakes.clock.advance(Duration.ofMinutes(1));
        assertThat(text(worker.invoke(f, request(f, "x")))).as("one new sandbox per minute: refilled").isEqualTo("#1");
        release.countDown();
        assertThat(text(busy.get())).isEqualTo("#2");
        assertThat(fakes.launchedFor("scaling")).hasSize(2).allMatch(FakeSandbox::isAlive);
    }
}
