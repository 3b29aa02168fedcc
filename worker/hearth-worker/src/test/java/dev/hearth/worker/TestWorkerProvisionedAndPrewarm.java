package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.worker.keepalive.FunctionKey;
import dev.hearth.worker.keepalive.KeepAliveDecision;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import dev.hearth.worker.keepalive.KeepAliveStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioned concurrency and keep-alive pre-warming in the worker, with the real process backend and python. */
final class TestWorkerProvisionedAndPrewarm {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    private static ProcessWorkers workers;
    private static Path counterCode;
    private static Path importErrorCode;

    private final ManualClock clock = new ManualClock();
    private final RecordingLogSink logs = new RecordingLogSink();
    private Worker worker;

    @BeforeAll
    static void startBackend() throws Exception {
        workers = ProcessWorkers.open(root);
        counterCode = workers.install("python-counter", List.of("app.py"));
        importErrorCode = workers.install("python-import-error", List.of("app.py"));
    }

    @AfterAll
    static void stopBackend() {
        workers.close();
    }

    @AfterEach
    void closeWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private Worker newWorker(KeepAlivePolicy keepAlive) throws Exception {
        return workers.worker(c -> c.withKeepAlive(keepAlive), clock, logs);
    }

    private static FunctionRevision version(String name, String version, Path code) {
        return new FunctionRevision(name, version, "arn:aws:lambda:us-east-1:000000000000:function:" + name + ":" + version,
                "rev-1", "python3.12", "app.handler", 128, 5, 512, Map.of(), code, "sha", false);
    }

    private static JsonNode json(InvocationResult result) throws Exception {
        return JSON.readTree(result.payload());
    }

    private static List<SandboxInfo> provisionedSandboxes(Worker worker) {
        return worker.sandboxes().stream().filter(SandboxInfo::provisioned).toList();
    }

    @Test
    void provisionedSandboxesAreReadyBeforeTheFirstInvocationAndServeItWithoutInit() throws Exception {
        worker = newWorker(new FixedKeepAliveForTest());
        FunctionRevision v1 = version("pc", "1", counterCode);

        worker.provision(v1, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> worker.provisioned("pc", "1").isReady());
        assertThat(worker.provisioned("pc", "1")).isEqualTo(new ProvisionedCapacity(2, 2, java.util.Optional.empty()));
        assertThat(provisionedSandboxes(worker)).hasSize(2).allSatisfy(s -> {
            assertThat(s.phase()).isEqualTo(SandboxInfo.Phase.IDLE);
            assertThat(s.initializationType()).isEqualTo(InitializationType.PROVISIONED_CONCURRENCY);
        });

        InvocationResult result = worker.invoke(v1, request(v1, "{\"action\":\"env\"}", true));

        assertThat(result.initDuration()).isEmpty();
        assertThat(result.logTail().orElseThrow()).contains("REPORT RequestId").doesNotContain("Init Duration");
        assertThat(json(result).get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("provisioned-concurrency");
        assertThat(worker.sandboxes()).hasSize(2);
        assertThat(worker.metrics().warmStarts()).isEqualTo(1);

        FunctionRevision latest = version("pc", "$LATEST", counterCode);
        InvocationResult onDemand = worker.invoke(latest, request(latest, "{\"action\":\"env\"}"));
        assertThat(onDemand.initDuration()).isPresent();
        assertThat(json(onDemand).get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("on-demand");
    }

    @Test
    void aProvisionedSandboxThatDiesIsReplaced() throws Exception {
        worker = newWorker(new FixedKeepAliveForTest());
        FunctionRevision v1 = version("pc-crash", "1", counterCode);
        worker.provision(v1, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.provisioned("pc-crash", "1").isReady());
        String first = provisionedSandboxes(worker).getFirst().sandboxId();

        InvocationResult crashed = worker.invoke(v1, request(v1, "{\"action\":\"exit\",\"status\":3}"));

        assertThat(crashed.functionError()).isPresent();
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.provisioned("pc-crash", "1").isReady()
                && provisionedSandboxes(worker).stream().noneMatch(s -> s.sandboxId().equals(first)));
        InvocationResult next = worker.invoke(v1, request(v1, "{\"action\":\"count\"}"));
        assertThat(next.initDuration()).isEmpty();
        assertThat(json(next).get("count").asInt()).isEqualTo(1);
    }

    @Test
    void loweringAndRemovingProvisionedConcurrencyShutsSandboxesDown() throws Exception {
        worker = newWorker(new FixedKeepAliveForTest());
        FunctionRevision v1 = version("pc-lower", "1", counterCode);
        worker.provision(v1, 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.provisioned("pc-lower", "1").isReady());

        worker.provision(v1, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> provisionedSandboxes(worker).stream()
                .filter(s -> s.phase() != SandboxInfo.Phase.SHUTTING_DOWN).count() == 1);
        assertThat(worker.provisioned("pc-lower", "1").requested()).isEqualTo(1);

        worker.provision(v1, 0);
        assertThat(worker.provisioned("pc-lower", "1")).isEqualTo(ProvisionedCapacity.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.sandboxes().isEmpty());
    }

    @Test
    void aProvisionedVersionWhoseInitFailsReportsTheFailure() throws Exception {
        worker = newWorker(new FixedKeepAliveForTest());
        FunctionRevision broken = version("pc-broken", "1", importErrorCode);

        worker.provision(broken, 1);

        await().atMost(Duration.ofSeconds(20)).until(() -> worker.provisioned("pc-broken", "1").failure().isPresent());
        ProvisionedCapacity capacity = worker.provisioned("pc-broken", "1");
        assertThat(capacity.ready()).isZero();
        assertThat(capacity.failure().orElseThrow()).contains("Init error");
    }

    @Test
    void thePolicysPrewarmDecisionShutsTheSandboxDownAndInitialisesOneAheadOfTheNextInvocation() throws Exception {
        PrewarmingPolicy policy = new PrewarmingPolicy(Duration.ofMinutes(9), Duration.ofMinutes(2));
        worker = newWorker(policy);
        FunctionRevision f = version("periodic", "$LATEST", counterCode);

        InvocationResult cold = worker.invoke(f, request(f, "{\"action\":\"count\"}"));
        assertThat(cold.initDuration()).isPresent();
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.sandboxes().isEmpty());
        assertThat(worker.metrics().pendingPrewarms()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(8));
        worker.reapIdleSandboxes();
        assertThat(worker.sandboxes()).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        worker.reapIdleSandboxes();
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.sandboxes().size() == 1
                && worker.sandboxes().getFirst().phase() == SandboxInfo.Phase.IDLE);
        assertThat(worker.sandboxes().getFirst().initializationType()).isEqualTo(InitializationType.ON_DEMAND);

        InvocationResult warm = worker.invoke(f, request(f, "{\"action\":\"count\"}"));

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
    void aPrewarmedSandboxNobodyUsesIsReapedAfterItsKeepAlive() throws Exception {
        worker = newWorker(new PrewarmingPolicy(Duration.ofMinutes(1), Duration.ofMinutes(2)));
        FunctionRevision f = version("unused", "$LATEST", counterCode);
        worker.invoke(f, request(f, "{\"action\":\"count\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.sandboxes().isEmpty());

        clock.advance(Duration.ofMinutes(1));
        worker.reapIdleSandboxes();
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.metrics().idleSandboxes() == 1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(worker.reapIdleSandboxes()).isZero();
        clock.advance(Duration.ofMinutes(1));

        assertThat(worker.reapIdleSandboxes()).isEqualTo(1);
        assertThat(worker.metrics().idleReaped()).isEqualTo(1);
        assertThat(worker.metrics().idleMemoryMbMinutes()).isEqualTo(128.0 * 2);
    }

    @Test
    void idleMemoryIsIntegratedOverTheInjectedClock() throws Exception {
        worker = newWorker(new FixedKeepAliveForTest());
        FunctionRevision f = version("idle-memory", "$LATEST", counterCode);
        worker.invoke(f, request(f, "{\"action\":\"count\"}"));

        clock.advance(Duration.ofMinutes(3));

        WorkerMetrics metrics = worker.metrics();
        assertThat(metrics.idleSandboxes()).isEqualTo(1);
        assertThat(metrics.idleMemoryMb()).isEqualTo(128);
        assertThat(metrics.idleMemoryMbMinutes()).isEqualTo(128.0 * 3);
        assertThat(metrics.keepAlive().policy()).isEqualTo("fixed-for-test");
    }

    /** Keeps every idle sandbox for ten minutes. */
    private static final class FixedKeepAliveForTest implements KeepAlivePolicy {
        @Override
        public String name() {
            return "fixed-for-test";
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
