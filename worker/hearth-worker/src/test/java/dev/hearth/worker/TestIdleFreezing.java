package dev.hearth.worker;

import static dev.hearth.worker.FakeWorkers.eventually;
import static dev.hearth.worker.FakeWorkers.request;
import static dev.hearth.worker.FakeWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.testing.FakeAction;
import dev.hearth.sandbox.spi.testing.FakeRuntime;
import dev.hearth.sandbox.spi.testing.FakeSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle sandboxes are frozen between invocations, as Lambda freezes an execution environment: after
 * the runtime's {@code /next} finds nothing to do (and a short grace), thawed before the next event
 * is handed over, never while in Init or busy, and still reaped and killed while frozen.
 */
final class TestIdleFreezing {
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

    @Test
    void anIdleSandboxIsFrozenAndThawedBeforeItsNextEventIsDelivered() {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("freeze");

        assertThat(text(worker.invoke(f, request(f, "a")))).isEqualTo("#1");
        FakeSandbox sandbox = fakes.backend.launched().getFirst();
        eventually().until(sandbox::frozen);

        assertThat(text(worker.invoke(f, request(f, "b")))).isEqualTo("#2");

        assertThat(sandbox.thaws()).isGreaterThanOrEqualTo(1);
        assertThat(sandbox.servedWhileFrozen()).as("an event reached a frozen runtime").isFalse();
        eventually().until(() -> sandbox.freezes() == 2 && sandbox.frozen());
    }

    @Test
    void aBusySandboxIsNeverFrozen() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("busy");
        assertThat(text(worker.invoke(f, request(f, "a")))).isEqualTo("#1");
        FakeSandbox sandbox = fakes.backend.launched().getFirst();
        eventually().until(sandbox::frozen);

        CompletableFuture<InvocationResult> held = fakes.invokeAsync(worker, f, FakeWorkers.HOLD);
        eventually().until(() -> sandbox.events() == 2);
        // well past the grace, the sandbox is still running its handler
        eventually().during(Duration.ofMillis(10 * ExecutionEnvironment.FREEZE_GRACE.toMillis()))
                .until(() -> !sandbox.frozen() && sandbox.freezes() == 1);
        release.countDown();

        assertThat(text(held.get())).isEqualTo("#2");
        assertThat(sandbox.servedWhileFrozen()).isFalse();
    }

    @Test
    void aSandboxInInitIsNeverFrozen() throws Exception {
        fakes.backend.runtime(FakeRuntime.of(event -> FakeAction.respond("ok")).withInitDelay(Duration.ofMillis(800)));
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("init");

        CompletableFuture<InvocationResult> cold = fakes.invokeAsync(worker, f, "a");
        eventually().until(() -> !fakes.backend.launched().isEmpty());
        FakeSandbox sandbox = fakes.backend.launched().getFirst();
        eventually().during(Duration.ofMillis(400)).until(() -> !sandbox.calledNext() && sandbox.freezes() == 0);

        assertThat(text(cold.get())).isEqualTo("ok");
        assertThat(sandbox.servedWhileFrozen()).isFalse();
        eventually().until(sandbox::frozen);
    }

    @Test
    void aClaimDuringAFreezeWaitsForItThenThaws() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("race");
        assertThat(text(worker.invoke(f, request(f, "a")))).isEqualTo("#1");
        FakeSandbox sandbox = fakes.backend.launched().getFirst();
        eventually().until(sandbox::frozen);
        CountDownLatch slowFreeze = sandbox.holdFreezes();
        assertThat(text(worker.invoke(f, request(f, "b")))).isEqualTo("#2");
        eventually().until(sandbox::freezing);

        CompletableFuture<InvocationResult> claim = fakes.invokeAsync(worker, f, "c");
        eventually().during(Duration.ofMillis(200)).until(() -> !claim.isDone() && sandbox.events() == 2);
        slowFreeze.countDown();

        assertThat(text(claim.get())).isEqualTo("#3");
        assertThat(sandbox.servedWhileFrozen()).as("an event reached a frozen runtime").isFalse();
        assertThat(sandbox.freezes()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFrozenSandboxIsReapedAndKilled() {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("reap");
        assertThat(text(worker.invoke(f, request(f, "a")))).isEqualTo("#1");
        FakeSandbox sandbox = fakes.backend.launched().getFirst();
        eventually().until(sandbox::frozen);

        fakes.clock.advance(Duration.ofHours(1));
        assertThat(worker.runHousekeeping().idleReaped()).isEqualTo(1);

        eventually().until(() -> !sandbox.isAlive());
        assertThat(sandbox.wasKilled()).isTrue();
        eventually().alias("thawed for its Shutdown phase").until(() -> sandbox.thaws() == 1);
    }

    @Test
    void aSnapshotsSandboxIsSavedUnfrozenAndItsRestoredClonesFreezeWhenIdle() throws Exception {
        fakes.backend.withSnapshots();
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("snappy", "1", "rev-1");
        FunctionRevision snapStart = new FunctionRevision(f.account(), f.functionName(), f.version(), f.functionArn(),
                f.revisionId(), f.runtime(), f.handler(), f.memoryMb(), f.timeoutSeconds(), f.ephemeralStorageMb(),
                f.environment(), f.taskRoot(), f.codeSha256(), true, f.tracingMode(), List.of());

        worker.prepareSnapStart(snapStart).get();
        assertThat(text(worker.invoke(snapStart, request(snapStart, "a")))).isEqualTo("#1");

        FakeSandbox saved = fakes.backend.launched().getFirst();
        FakeSandbox clone = fakes.backend.launched().getLast();
        assertThat(saved.launchedForSnapshot()).isTrue();
        assertThat(saved.freezes()).as("the snapshot's sandbox is saved running").isZero();
        assertThat(clone.restored()).isTrue();
        eventually().until(clone::frozen);
        assertThat(text(worker.invoke(snapStart, request(snapStart, "b")))).isEqualTo("#2");
        assertThat(clone.servedWhileFrozen()).isFalse();
    }

    @Test
    void provisionedSandboxesAreFrozenOnceWarmAndThawedForTheirFirstInvocation() {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("provisioned", "1", "rev-1");

        worker.provision(f, 1);

        eventually().until(() -> fakes.backend.launched().size() == 1 && fakes.backend.launched().getFirst().frozen());
        FakeSandbox sandbox = fakes.backend.launched().getFirst();
        assertThat(text(worker.invoke(f, request(f, "a")))).isEqualTo("#1");
        assertThat(sandbox.servedWhileFrozen()).isFalse();
        assertThat(sandbox.thaws()).isEqualTo(1);
    }
}
