package dev.hearth.worker;

import static dev.hearth.worker.FakeWorkers.eventually;
import static dev.hearth.worker.FakeWorkers.request;
import static dev.hearth.worker.FakeWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.testing.FakeSandbox;
import dev.hearth.worker.keepalive.AdaptiveKeepAlive;
import dev.hearth.worker.keepalive.FunctionKey;
import dev.hearth.worker.keepalive.KeepAliveDecision;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import dev.hearth.worker.keepalive.KeepAliveStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive in the worker, on the fake backend and the manual clock: idle sandboxes reaped when
 * the fixed or adaptive policy says, busy ones never, and the pre-warms a policy asks for.
 */
final class TestKeepAliveOnWorker {
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

    private static void awaitIdle(Worker worker, int count) {
        eventually().until(() -> worker.sandboxes().size() == count
                && worker.sandboxes().stream().allMatch(s -> s.phase() == SandboxInfo.Phase.IDLE));
    }

    @Test
    void theFixedPolicyReapsAnIdleSandboxOnceItsTimeoutHasPassedOnTheInjectedClock() {
        Worker worker = fakes.worker(c -> c.withIdleTimeout(Duration.ofMinutes(5)));
        FunctionRevision f = fakes.function("reaped");
        worker.invoke(f, request(f, "x"));

        fakes.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(worker.runHousekeeping().idleReaped()).isZero();
        assertThat(text(worker.invoke(f, request(f, "x")))).as("still warm").isEqualTo("#2");

        fakes.clock.advance(Duration.ofMinutes(5));
        Housekeeping round = worker.runHousekeeping();

        assertThat(round).isEqualTo(new Housekeeping(1, 0, 0, 0, 0));
        eventually().untilAsserted(() -> assertThat(fakes.backend.launched()).singleElement()
                .satisfies(s -> assertThat(s.wasKilled()).isTrue()));
        eventually().until(() -> worker.sandboxes().isEmpty());
        InvocationResult afterReap = worker.invoke(f, request(f, "x"));
        assertThat(text(afterReap)).isEqualTo("#1");
        assertThat(afterReap.initDuration()).isPresent();
        assertThat(worker.metrics().idleReaped()).isEqualTo(1);
    }

    @Test
    void aBusySandboxIsNeverReaped() throws Exception {
        Worker worker = fakes.worker(c -> c.withIdleTimeout(Duration.ofMinutes(5)));
        FunctionRevision f = fakes.function("busy");
        CompletableFuture<InvocationResult> held = fakes.invokeAsync(worker, f, "hold");
        eventually().until(() -> fakes.backend.launched().size() == 1 && fakes.backend.launched().getFirst().events() == 1);

        fakes.clock.advance(Duration.ofHours(1));

        assertThat(worker.runHousekeeping().idleReaped()).isZero();
        release.countDown();
        assertThat(text(held.get())).isEqualTo("#1");
        assertThat(fakes.backend.alive()).hasSize(1);
    }

    @Test
    void idleMemoryIsIntegratedOverTheInjectedClock() {
        Worker worker = fakes.worker(c -> c.withKeepAlive(new KeepForTenMinutes()));
        FunctionRevision f = fakes.function("idle-memory");
        worker.invoke(f, request(f, "x"));

        fakes.clock.advance(Duration.ofMinutes(3));

        WorkerMetrics metrics = worker.metrics();
        assertThat(metrics.idleSandboxes()).isEqualTo(1);
        assertThat(metrics.idleMemoryMb()).isEqualTo(128);
        assertThat(metrics.idleMemoryMbMinutes()).isEqualTo(128.0 * 3);
        assertThat(metrics.keepAlive().policy()).isEqualTo("ten-minutes");
    }

    @Test
    void theAdaptivePolicyShutsAPeriodicFunctionDownAndPrewarmsItJustBeforeItsNextInvocation() {
        AdaptiveKeepAlive policy = new AdaptiveKeepAlive(AdaptiveKeepAlive.Settings.defaults(Duration.ofMinutes(30)));
        Worker worker = fakes.worker(c -> c.withKeepAlive(policy));
        FunctionRevision f = fakes.function("periodic");
        Duration period = Duration.ofMinutes(10).plusSeconds(20);

        // ten idle times teach the histogram; until then the 30-minute fallback keeps the sandbox warm
        for (int call = 1; call <= 11; call++) {
            if (call > 1) {
                fakes.clock.advance(period);
                assertThat(worker.runHousekeeping().idleReaped()).isZero();
            }
            assertThat(text(worker.invoke(f, request(f, "x")))).isEqualTo("#" + call);
        }

        eventually().untilAsserted(() -> assertThat(fakes.backend.launched()).singleElement().satisfies(s -> assertThat(s.wasKilled())
                .as("the eleventh idle decision: shut down now, pre-warm after 9 minutes").isTrue()));
        assertThat(worker.metrics().pendingPrewarms()).isEqualTo(1);
        fakes.clock.advance(Duration.ofMinutes(9).minusSeconds(1));
        assertThat(worker.runHousekeeping().prewarmsStarted()).isZero();
        fakes.clock.advance(Duration.ofSeconds(1));
        assertThat(worker.runHousekeeping().prewarmsStarted()).isEqualTo(1);
        awaitIdle(worker, 1);

        fakes.clock.advance(Duration.ofSeconds(80));
        InvocationResult next = worker.invoke(f, request(f, "x"));

        assertThat(next.initDuration()).as("served by the pre-warmed sandbox").isEmpty();
        assertThat(fakes.backend.launched()).hasSize(2);
        WorkerMetrics metrics = worker.metrics();
        assertThat(metrics.coldStarts()).isEqualTo(1);
        assertThat(metrics.prewarmsStarted()).isEqualTo(1);
        assertThat(metrics.prewarmHits()).isEqualTo(1);
        assertThat(metrics.keepAlive().prewarmDecisions()).as("once more after this invocation").isEqualTo(2);
        assertThat(metrics.pendingPrewarms()).isEqualTo(1);
    }

    @Test
    void theAdaptivePolicyReapsAFrequentlyCalledFunctionLongBeforeTheFixedTimeout() {
        AdaptiveKeepAlive policy = new AdaptiveKeepAlive(AdaptiveKeepAlive.Settings.defaults(Duration.ofMinutes(10)));
        Worker worker = fakes.worker(c -> c.withKeepAlive(policy));
        FunctionRevision f = fakes.function("frequent");
        for (int call = 0; call < 12; call++) {
            fakes.clock.advance(Duration.ofSeconds(5));
            worker.invoke(f, request(f, "x"));
        }

        fakes.clock.advance(Duration.ofSeconds(65));
        assertThat(worker.runHousekeeping().idleReaped()).isZero();
        fakes.clock.advance(Duration.ofSeconds(1));

        assertThat(worker.runHousekeeping().idleReaped()).as("kept 66 s: the 99th percentile bin plus 10 %").isEqualTo(1);
        eventually().untilAsserted(() -> assertThat(fakes.backend.launched()).singleElement()
                .satisfies(s -> assertThat(s.wasKilled()).isTrue()));
    }

    @Test
    void aPrewarmDecisionShutsTheSandboxDownAndInitialisesOneAheadOfTheNextInvocation() {
        PrewarmingPolicy policy = new PrewarmingPolicy(Duration.ofMinutes(9), Duration.ofMinutes(2));
        Worker worker = fakes.worker(c -> c.withKeepAlive(policy));
        FunctionRevision f = fakes.function("prewarmed");

        InvocationResult cold = worker.invoke(f, request(f, "x"));
        assertThat(cold.initDuration()).isPresent();
        eventually().untilAsserted(() -> assertThat(fakes.backend.launched()).singleElement()
                .satisfies(s -> assertThat(s.wasKilled()).isTrue()));
        eventually().until(() -> worker.sandboxes().isEmpty());
        assertThat(worker.metrics().pendingPrewarms()).isEqualTo(1);

        fakes.clock.advance(Duration.ofMinutes(8));
        assertThat(worker.runHousekeeping().prewarmsStarted()).isZero();
        fakes.clock.advance(Duration.ofMinutes(1));
        assertThat(worker.runHousekeeping().prewarmsStarted()).isEqualTo(1);
        awaitIdle(worker, 1);
        assertThat(worker.sandboxes().getFirst().initializationType()).isEqualTo(InitializationType.ON_DEMAND);

        InvocationResult warm = worker.invoke(f, request(f, "x"));

        assertThat(warm.initDuration()).isEmpty();
        WorkerMetrics metrics = worker.metrics();
        assertThat(metrics.coldStarts()).isEqualTo(1);
        assertThat(metrics.warmStarts()).isEqualTo(1);
        assertThat(metrics.prewarmsStarted()).isEqualTo(1);
        assertThat(metrics.prewarmHits()).isEqualTo(1);
        assertThat(policy.arrivals).hasSize(2);
        assertThat(Duration.between(policy.arrivals.get(0), policy.arrivals.get(1))).isEqualTo(Duration.ofMinutes(9));
    }

    @Test
    void aPrewarmedSandboxNobodyUsesIsReapedAfterItsKeepAlive() {
        Worker worker = fakes.worker(c -> c.withKeepAlive(new PrewarmingPolicy(Duration.ofMinutes(1), Duration.ofMinutes(2))));
        FunctionRevision f = fakes.function("unused");
        worker.invoke(f, request(f, "x"));
        eventually().until(() -> worker.sandboxes().isEmpty());

        fakes.clock.advance(Duration.ofMinutes(1));
        assertThat(worker.runHousekeeping().prewarmsStarted()).isEqualTo(1);
        awaitIdle(worker, 1);
        FakeSandbox prewarmed = fakes.backend.launched().getLast();
        fakes.clock.advance(Duration.ofMinutes(1));
        assertThat(worker.runHousekeeping().idleReaped()).isZero();
        fakes.clock.advance(Duration.ofMinutes(1));

        assertThat(worker.runHousekeeping().idleReaped()).isEqualTo(1);
        eventually().until(prewarmed::wasKilled); // an Idle sandbox may be killed when its launch returns
        assertThat(worker.metrics().idleReaped()).isEqualTo(1);
        assertThat(worker.metrics().idleMemoryMbMinutes()).isEqualTo(128.0 * 2);
    }

    @Test
    void aPrewarmIsSkippedWhenTheHostHasNoRoomForIt() {
        Worker worker = fakes.worker(c -> c.withKeepAlive(new PrewarmingPolicy(Duration.ofMinutes(1), Duration.ofMinutes(2))));
        FunctionRevision f = fakes.function("no-room-to-prewarm");
        worker.invoke(f, request(f, "x"));
        eventually().until(() -> worker.sandboxes().isEmpty());

        fakes.hostFreeMb.set(100);
        fakes.clock.advance(Duration.ofMinutes(1));

        assertThat(worker.runHousekeeping().prewarmsStarted()).isZero();
        assertThat(fakes.backend.launched()).hasSize(1);
        assertThat(worker.metrics().pendingPrewarms()).as("taken: a skipped pre-warm is not retried").isZero();
    }

    /** Keeps every idle sandbox for ten minutes. */
    private static final class KeepForTenMinutes implements KeepAlivePolicy {
        @Override
        public String name() {
            return "ten-minutes";
        }

        @Override
        public void onArrival(FunctionKey function, Instant at) {}

        @Override
        public KeepAliveDecision onIdle(FunctionKey function, Instant idleSince) {
            return KeepAliveDecision.keepFor(Duration.ofMinutes(10));
        }

        @Override
        public void forget(FunctionKey function) {}

        @Override
        public KeepAliveStats stats() {
            return new KeepAliveStats(name(), 0, 0, 0, 0);
        }
    }

    /** Always decides: shut down now, pre-warm after {@code prewarmAfter}, keep for {@code keepAlive}. */
    private static final class PrewarmingPolicy implements KeepAlivePolicy {
        final List<Instant> arrivals = new CopyOnWriteArrayList<>();
        private final KeepAliveDecision decision;

        PrewarmingPolicy(Duration prewarmAfter, Duration keepAlive) {
            this.decision = new KeepAliveDecision(prewarmAfter, keepAlive);
        }

        @Override
        public String name() {
            return "prewarming";
        }

        @Override
        public void onArrival(FunctionKey function, Instant at) {
            arrivals.add(at);
        }

        @Override
        public KeepAliveDecision onIdle(FunctionKey function, Instant idleSince) {
            return decision;
        }

        @Override
        public void forget(FunctionKey function) {}

        @Override
        public KeepAliveStats stats() {
            return new KeepAliveStats(name(), 0, 0, 1, 0);
        }
    }
}
