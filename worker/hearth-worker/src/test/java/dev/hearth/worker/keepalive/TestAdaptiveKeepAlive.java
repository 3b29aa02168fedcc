package dev.hearth.worker.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The hybrid histogram policy's decisions for arrival patterns replayed on explicit instants. */
final class TestAdaptiveKeepAlive {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration FALLBACK = Duration.ofMinutes(10);
    private final AdaptiveKeepAlive policy = new AdaptiveKeepAlive(AdaptiveKeepAlive.Settings.defaults(FALLBACK));
    private final FunctionKey f = new FunctionKey("f", "$LATEST");

    private void arrivals(FunctionKey function, Duration every, int count) {
        for (int i = 0; i < count; i++) {
            policy.onArrival(function, T0.plus(every.multipliedBy(i)));
        }
    }

    @Test
    void aPeriodicFunctionIsShutDownAndPrewarmedJustBeforeItsNextInvocation() {
        arrivals(f, Duration.ofMinutes(10).plusSeconds(20), 20);

        KeepAliveDecision decision = policy.onIdle(f, T0);

        assertThat(decision.prewarms()).isTrue();
        assertThat(decision.prewarmAfter()).as("5th percentile bin starts at 10 min, less 10 %").isEqualTo(Duration.ofMinutes(9));
        assertThat(decision.prewarmAfter().plus(decision.keepAlive()))
                .as("99th percentile bin ends at 11 min, plus 10 %").isEqualTo(Duration.ofSeconds(726));
        assertThat(policy.stats()).isEqualTo(new KeepAliveStats("adaptive", 1, 0, 1, 0));
    }

    @Test
    void aFunctionCalledEveryFewSecondsIsKeptWarmBrieflyInsteadOfForTheFixedTimeout() {
        arrivals(f, Duration.ofSeconds(5), 50);

        KeepAliveDecision decision = policy.onIdle(f, T0);

        assertThat(decision).isEqualTo(KeepAliveDecision.keepFor(Duration.ofSeconds(66)));
        assertThat(policy.stats().keepDecisions()).isEqualTo(1);
        assertThat(policy.afterExpiry(f, T0)).as("not bursty: nothing to pre-warm").isEmpty();
    }

    @Test
    void aBurstyFunctionIsKeptThroughItsBurstAndPrewarmedBeforeTheNextOne() {
        Instant t = T0;
        for (int burst = 0; burst < 6; burst++) {
            for (int call = 0; call < 10; call++) {
                policy.onArrival(f, t);
                t = t.plusSeconds(2);
            }
            t = t.plus(Duration.ofMinutes(40));
        }

        assertThat(policy.onIdle(f, t)).as("the rest of a burst: one bin plus the margin")
                .isEqualTo(KeepAliveDecision.keepFor(Duration.ofSeconds(66)));
        KeepAliveDecision next = policy.afterExpiry(f, t).orElseThrow();
        assertThat(next.prewarmAfter()).as("the gaps' 5th percentile bin starts at 40 min, less 10 %")
                .isEqualTo(Duration.ofMinutes(36));
        assertThat(next.prewarmAfter().plus(next.keepAlive())).as("99th percentile bin ends at 41 min, plus 10 %")
                .isEqualTo(Duration.ofSeconds(2706));
        assertThat(policy.afterExpiry(new FunctionKey("never-seen", "1"), t)).isEmpty();
    }

    @Test
    void tooFewSamplesFallBackToTheFixedKeepAlive() {
        arrivals(f, Duration.ofMinutes(10), 5);

        assertThat(policy.onIdle(f, T0)).isEqualTo(KeepAliveDecision.keepFor(FALLBACK));
        assertThat(policy.onIdle(new FunctionKey("never-seen", "1"), T0)).isEqualTo(KeepAliveDecision.keepFor(FALLBACK));
        assertThat(policy.stats().fallbackDecisions()).isEqualTo(2);
    }

    @Test
    void idleTimesSpreadEvenlyAreNotPredictableAndFallBack() {
        Instant at = T0;
        for (int minutes = 1; minutes <= 239; minutes++) {
            policy.onArrival(f, at);
            at = at.plus(Duration.ofMinutes(minutes));
        }
        assertThat(policy.onIdle(f, at)).isEqualTo(KeepAliveDecision.keepFor(FALLBACK));
    }

    @Test
    void idleTimesMostlyBeyondTheRangeFallBack() {
        arrivals(f, Duration.ofHours(5), 20);

        assertThat(policy.onIdle(f, T0)).isEqualTo(KeepAliveDecision.keepFor(FALLBACK));
    }

    @Test
    void forgottenFunctionsStartOver() {
        arrivals(f, Duration.ofMinutes(10), 20);
        assertThat(policy.onIdle(f, T0).prewarms()).isTrue();

        policy.forget(f);

        assertThat(policy.stats().functionsTracked()).isZero();
        assertThat(policy.onIdle(f, T0)).isEqualTo(KeepAliveDecision.keepFor(FALLBACK));
    }

    @Test
    void fixedKeepsEverySandboxForItsTimeout() {
        FixedKeepAlive fixed = new FixedKeepAlive(Duration.ofMinutes(5));
        fixed.onArrival(f, T0);
        assertThat(fixed.onIdle(f, T0)).isEqualTo(KeepAliveDecision.keepFor(Duration.ofMinutes(5)));
        assertThat(fixed.stats()).isEqualTo(new KeepAliveStats("fixed", 0, 1, 0, 0));
    }

    @Test
    void concurrentArrivalsAndDecisionsAreCountedExactly() throws Exception {
        int threads = 8;
        int perThread = 2000;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                FunctionKey key = new FunctionKey("f" + (t % 3), "1");
                Random random = new Random(t);
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        policy.onArrival(key, T0.plusSeconds(random.nextInt(86_400)));
                        policy.onIdle(key, T0);
                    }
                    return null;
                });
            }
            start.countDown();
        }
        KeepAliveStats stats = policy.stats();
        assertThat(stats.functionsTracked()).isEqualTo(3);
        assertThat(stats.keepDecisions() + stats.prewarmDecisions() + stats.fallbackDecisions())
                .isEqualTo((long) threads * perThread);
    }
}
