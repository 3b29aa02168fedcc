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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provisioned concurrency in the worker, on the fake backend: sandboxes kept initialised, claimed
 * before on-demand ones, replaced when they die, never reaped for idleness, and reported when they
 * cannot be had.
 */
final class TestProvisionedConcurrency {
    @TempDir
    Path dir;

    private FakeWorkers fakes;

    @BeforeEach
    void setUp() {
        fakes = new FakeWorkers(dir);
        fakes.backend.runtime(spec -> switch (spec.environment().get("AWS_LAMBDA_FUNCTION_NAME")) {
            case "broken" -> FakeRuntime.echo().failingInit("Runtime.ImportModuleError", "no module named app");
            case "stuck" -> FakeRuntime.echo().hangingInit();
            default -> FakeRuntime.of(event -> event.payloadText().equals("crash")
                    ? FakeAction.exit(3) : FakeAction.respond("#" + event.sequence()));
        });
    }

    @AfterEach
    void tearDown() {
        fakes.close();
    }

    private void awaitReady(Worker worker, FunctionRevision function) {
        eventually().until(() -> worker.provisioned(function.unqualifiedArn(), function.version()).isReady());
    }

    private static List<SandboxInfo> provisionedSandboxes(Worker worker) {
        return worker.sandboxes().stream().filter(SandboxInfo::provisioned).toList();
    }

    @Test
    void provisionedSandboxesAreInitialisedBeforeTheFirstInvocationAndServeItWithoutInit() {
        Worker worker = fakes.worker();
        FunctionRevision v1 = fakes.function("pc", "1", "rev-1");

        worker.provision(v1, 2);

        awaitReady(worker, v1);
        assertThat(worker.provisioned(FakeWorkers.arn("pc"), "1")).isEqualTo(new ProvisionedCapacity(2, 2, Optional.empty()));
        assertThat(provisionedSandboxes(worker)).hasSize(2).allSatisfy(s -> {
            assertThat(s.phase()).isEqualTo(SandboxInfo.Phase.IDLE);
            assertThat(s.initializationType()).isEqualTo(InitializationType.PROVISIONED_CONCURRENCY);
        });
        assertThat(fakes.backend.launched()).hasSize(2).allSatisfy(s ->
                assertThat(s.environment()).containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency"));
        // the worker tells a sandbox its Init is over just after counting it ready
        eventually().until(() -> fakes.backend.launched().stream().allMatch(FakeSandbox::toldInitialised));

        InvocationResult result = worker.invoke(v1, request(v1, "x"));

        assertThat(result.initDuration()).isEmpty();
        assertThat(fakes.backend.launched()).hasSize(2);
        assertThat(worker.metrics().warmStarts()).isEqualTo(1);

        FunctionRevision latest = fakes.function("pc");
        InvocationResult onDemand = worker.invoke(latest, request(latest, "x"));
        assertThat(onDemand.initDuration()).isPresent();
        assertThat(fakes.backend.launched().getLast().environment()).containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    }

    @Test
    void provisionedSandboxesAreClaimedBeforeIdleOnDemandOnes() {
        Worker worker = fakes.worker();
        FunctionRevision v1 = fakes.function("first", "1", "rev-1");
        worker.invoke(v1, request(v1, "x"));
        FakeSandbox onDemand = fakes.backend.launched().getFirst();
        worker.provision(v1, 1);
        awaitReady(worker, v1);
        FakeSandbox provisioned = fakes.backend.launched().getLast();

        worker.invoke(v1, request(v1, "x"));
        worker.invoke(v1, request(v1, "x"));

        assertThat(provisioned.events()).isEqualTo(2);
        assertThat(onDemand.events()).isEqualTo(1);
    }

    @Test
    void aProvisionedSandboxThatDiesIsReplaced() {
        Worker worker = fakes.worker();
        FunctionRevision v1 = fakes.function("pc-crash", "1", "rev-1");
        worker.provision(v1, 1);
        awaitReady(worker, v1);
        FakeSandbox first = fakes.backend.launched().getFirst();

        first.crash(139);

        eventually().until(() -> fakes.backend.launched().size() == 2 && worker.provisioned(FakeWorkers.arn("pc-crash"), "1").isReady()
                && provisionedSandboxes(worker).stream().noneMatch(s -> s.sandboxId().equals(first.id())));

        InvocationResult crashed = worker.invoke(v1, request(v1, "crash"));
        assertThat(crashed.functionError()).contains("Unhandled");
        eventually().until(() -> fakes.backend.launched().size() == 3 && worker.provisioned(FakeWorkers.arn("pc-crash"), "1").isReady());

        InvocationResult next = worker.invoke(v1, request(v1, "x"));
        assertThat(next.initDuration()).isEmpty();
        assertThat(text(next)).isEqualTo("#1");
    }

    @Test
    void provisionedSandboxesAreNeverReapedForIdleness() {
        Worker worker = fakes.worker(c -> c.withIdleTimeout(Duration.ofMinutes(5)));
        FunctionRevision v1 = fakes.function("kept", "1", "rev-1");
        worker.provision(v1, 1);
        awaitReady(worker, v1);
        worker.invoke(v1, request(v1, "x"));

        fakes.clock.advance(Duration.ofDays(30));

        assertThat(worker.runHousekeeping()).isEqualTo(new Housekeeping(0, 0, 0, 0, 0));
        assertThat(fakes.backend.launched()).singleElement().satisfies(s -> assertThat(s.isAlive()).isTrue());
    }

    @Test
    void loweringAndRemovingProvisionedConcurrencyShutsSandboxesDown() {
        Worker worker = fakes.worker();
        FunctionRevision v1 = fakes.function("pc-lower", "1", "rev-1");
        worker.provision(v1, 3);
        awaitReady(worker, v1);

        worker.provision(v1, 1);

        eventually().untilAsserted(() -> assertThat(fakes.backend.launched()).filteredOn(FakeSandbox::wasKilled).hasSize(2));
        assertThat(worker.provisioned(FakeWorkers.arn("pc-lower"), "1").requested()).isEqualTo(1);

        worker.provision(v1, 0);

        assertThat(worker.provisioned(FakeWorkers.arn("pc-lower"), "1")).isEqualTo(ProvisionedCapacity.NONE);
        assertThat(fakes.backend.alive()).isEmpty();
        eventually().until(() -> worker.sandboxes().isEmpty());
    }

    @Test
    void aNewRevisionReplacesTheProvisionedSandboxesOfTheOldOne() {
        Worker worker = fakes.worker();
        FunctionRevision rev1 = fakes.function("pc-update", "1", "rev-1");
        FunctionRevision rev2 = fakes.function("pc-update", "1", "rev-2");
        worker.provision(rev1, 1);
        awaitReady(worker, rev1);
        FakeSandbox old = fakes.backend.launched().getFirst();

        worker.provision(rev2, 1);

        eventually().until(old::wasKilled);
        awaitReady(worker, rev2);
        assertThat(provisionedSandboxes(worker)).singleElement().satisfies(s -> assertThat(s.revisionId()).isEqualTo("rev-2"));
    }

    @Test
    void anInitFailureIsReportedAndRetriedByTheNextHousekeepingNotInALoop() {
        Worker worker = fakes.worker();
        FunctionRevision broken = fakes.function("broken", "1", "rev-1");

        worker.provision(broken, 1);

        eventually().until(() -> worker.provisioned(FakeWorkers.arn("broken"), "1").failure().isPresent());
        ProvisionedCapacity capacity = worker.provisioned(FakeWorkers.arn("broken"), "1");
        assertThat(capacity.ready()).isZero();
        assertThat(capacity.failure().orElseThrow()).contains("Init error").contains("no module named app");
        eventually().until(() -> worker.sandboxes().isEmpty());
        assertThat(fakes.backend.launched()).hasSize(1);

        assertThat(worker.runHousekeeping().provisionedLaunched()).isEqualTo(1);
        eventually().until(() -> fakes.backend.launched().size() == 2);
    }

    @Test
    void aProvisionedSandboxStuckInInitIsShutDownByTheHousekeeping() {
        Worker worker = fakes.worker(c -> c.withInitTimeout(Duration.ofMillis(1)));
        FunctionRevision stuck = fakes.function("stuck", "1", "rev-1");
        worker.provision(stuck, 1);
        eventually().until(() -> fakes.backend.launched().size() == 1);
        FakeSandbox first = fakes.backend.launched().getFirst();

        // the init timeout runs on the monotonic clock: 1 ms of it passes while the test waits for this round
        eventually().until(() -> worker.runHousekeeping().initTimedOut() == 1);

        eventually().until(first::wasKilled);
        assertThat(worker.provisioned(FakeWorkers.arn("stuck"), "1").failure().orElseThrow()).contains("Init did not finish");
    }

    @Test
    void withoutRoomOnTheHostTheShortfallIsReportedAndNothingIsLaunched() {
        fakes.hostFreeMb.set(1024 + 100);
        Worker worker = fakes.worker();
        FunctionRevision v1 = fakes.function("pc-full", "1", "rev-1");

        worker.provision(v1, 1);

        assertThat(worker.provisioned(FakeWorkers.arn("pc-full"), "1").failure().orElseThrow()).startsWith("INSUFFICIENT_HOST_CAPACITY");
        assertThat(fakes.backend.launched()).isEmpty();
    }
}
