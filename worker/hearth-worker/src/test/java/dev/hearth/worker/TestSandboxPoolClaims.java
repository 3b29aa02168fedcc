package dev.hearth.worker;

import static dev.hearth.worker.FakeWorkers.eventually;
import static dev.hearth.worker.FakeWorkers.request;
import static dev.hearth.worker.FakeWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.testing.FakeAction;
import dev.hearth.sandbox.spi.testing.FakeRuntime;
import dev.hearth.sandbox.spi.testing.FakeSandbox;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How invocations claim sandboxes, on the fake backend: one invocation at a time per sandbox, warm
 * reuse of the same function version and revision only, and retirement of what a newer revision or
 * a deleted function leaves behind.
 */
final class TestSandboxPoolClaims {
    @TempDir
    Path dir;

    private FakeWorkers fakes;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void setUp() {
        fakes = new FakeWorkers(dir);
        // "hold" blocks until the test releases it; "crash" exits; anything else is echoed with the call's number
        fakes.backend.runtime(FakeRuntime.of(event -> switch (event.payloadText()) {
            case "hold" -> {
                release.await();
                yield FakeAction.respond("released");
            }
            case "crash" -> FakeAction.exit(2);
            default -> FakeAction.respond(event.payloadText() + " #" + event.sequence());
        }));
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        fakes.close();
    }

    @Test
    void aWarmSandboxOfTheSameRevisionIsReusedWithoutInit() {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("warm");

        InvocationResult cold = worker.invoke(f, request(f, "a"));
        InvocationResult warm = worker.invoke(f, request(f, "b"));

        assertThat(text(cold)).isEqualTo("a #1");
        assertThat(text(warm)).isEqualTo("b #2");
        assertThat(cold.initDuration()).isPresent();
        assertThat(warm.initDuration()).isEmpty();
        assertThat(fakes.backend.launched()).singleElement().satisfies(s -> {
            assertThat(s.toldInitialised()).isTrue();
            assertThat(s.isAlive()).isTrue();
        });
        assertThat(worker.sandboxes()).singleElement().satisfies(s -> assertThat(s.phase()).isEqualTo(SandboxInfo.Phase.IDLE));
        assertThat(worker.metrics().coldStarts()).isEqualTo(1);
        assertThat(worker.metrics().warmStarts()).isEqualTo(1);
    }

    @Test
    void concurrentInvocationsEachGetASandboxOfTheirOwnAndTheSandboxesAreThenReused() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("parallel");

        List<CompletableFuture<InvocationResult>> held = List.of(fakes.invokeAsync(worker, f, "hold"),
                fakes.invokeAsync(worker, f, "hold"), fakes.invokeAsync(worker, f, "hold"));
        eventually().until(() -> fakes.backend.launched().size() == 3
                && fakes.backend.launched().stream().allMatch(s -> s.events() == 1));
        assertThat(worker.sandboxes()).hasSize(3).allSatisfy(s -> assertThat(s.phase()).isEqualTo(SandboxInfo.Phase.BUSY));

        release.countDown();
        for (CompletableFuture<InvocationResult> result : held) {
            assertThat(text(result.get())).isEqualTo("released");
        }
        assertThat(text(worker.invoke(f, request(f, "again")))).isEqualTo("again #2");
        assertThat(fakes.backend.launched()).hasSize(3);
        assertThat(fakes.backend.launched()).extracting(FakeSandbox::events).containsExactlyInAnyOrder(1, 1, 2);
    }

    @Test
    void functionsVersionsAndRevisionsNeverShareASandbox() {
        Worker worker = fakes.worker();
        FunctionRevision latest = fakes.function("shared");
        FunctionRevision v1 = fakes.function("shared", "1", "rev-1");
        FunctionRevision other = fakes.function("other");

        worker.invoke(latest, request(latest, "x"));
        InvocationResult fromV1 = worker.invoke(v1, request(v1, "x"));
        InvocationResult fromOther = worker.invoke(other, request(other, "x"));
        InvocationResult again = worker.invoke(latest, request(latest, "x"));

        assertThat(text(fromV1)).isEqualTo("x #1");
        assertThat(fromV1.executedVersion()).isEqualTo("1");
        assertThat(text(fromOther)).isEqualTo("x #1");
        assertThat(text(again)).isEqualTo("x #2");
        assertThat(fakes.backend.launched()).hasSize(3).extracting(
                s -> s.environment().get("AWS_LAMBDA_FUNCTION_NAME") + ":" + s.environment().get("AWS_LAMBDA_FUNCTION_VERSION"))
                .containsExactly("shared:$LATEST", "shared:1", "other:$LATEST");
    }

    @Test
    void aNewRevisionRetiresTheIdleSandboxesOfTheOldOne() {
        Worker worker = fakes.worker();
        FunctionRevision rev1 = fakes.function("updated", "$LATEST", "rev-1");
        FunctionRevision rev2 = fakes.function("updated", "$LATEST", "rev-2");
        worker.invoke(rev1, request(rev1, "x"));
        FakeSandbox old = fakes.backend.launched().getFirst();

        InvocationResult updated = worker.invoke(rev2, request(rev2, "x"));

        assertThat(text(updated)).isEqualTo("x #1");
        eventually().until(old::wasKilled);
        eventually().untilAsserted(() -> assertThat(worker.sandboxes()).singleElement()
                .satisfies(s -> assertThat(s.revisionId()).isEqualTo("rev-2")));
    }

    @Test
    void aBusySandboxOfAnOldRevisionFinishesItsInvocationAndIsThenShutDown() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision rev1 = fakes.function("drained", "$LATEST", "rev-1");
        FunctionRevision rev2 = fakes.function("drained", "$LATEST", "rev-2");
        CompletableFuture<InvocationResult> busy = fakes.invokeAsync(worker, rev1, "hold");
        eventually().until(() -> fakes.backend.launched().size() == 1 && fakes.backend.launched().getFirst().events() == 1);
        FakeSandbox old = fakes.backend.launched().getFirst();

        assertThat(text(worker.invoke(rev2, request(rev2, "x")))).isEqualTo("x #1");
        assertThat(old.isAlive()).as("busy: drained, not killed").isTrue();

        release.countDown();
        assertThat(text(busy.get())).isEqualTo("released");
        eventually().until(old::wasKilled);
        assertThat(fakes.backend.alive()).hasSize(1).noneMatch(old::equals);
    }

    @Test
    void aSandboxWhoseRuntimeCrashedIsNeverClaimedAgain() {
        Worker worker = fakes.worker();
        FunctionRevision f = fakes.function("crashy");

        InvocationResult crashed = worker.invoke(f, request(f, "crash"));
        InvocationResult next = worker.invoke(f, request(f, "x"));

        assertThat(crashed.functionError()).contains("Unhandled");
        assertThat(text(crashed)).contains("Runtime.ExitError").contains("exit status 2");
        assertThat(text(next)).isEqualTo("x #1");
        assertThat(next.initDuration()).isPresent();
        assertThat(fakes.backend.launched()).hasSize(2);
    }

    @Test
    void retiringAFunctionKillsItsIdleSandboxesOnly() {
        Worker worker = fakes.worker();
        FunctionRevision deleted = fakes.function("deleted");
        FunctionRevision kept = fakes.function("kept");
        worker.invoke(deleted, request(deleted, "x"));
        worker.invoke(kept, request(kept, "x"));

        worker.retire(FakeWorkers.arn("deleted"));

        eventually().untilAsserted(() -> assertThat(fakes.launchedFor("deleted")).singleElement()
                .satisfies(s -> assertThat(s.wasKilled()).isTrue()));
        assertThat(fakes.launchedFor("kept")).singleElement().satisfies(s -> assertThat(s.isAlive()).isTrue());
        eventually().until(() -> worker.sandboxes().size() == 1);
    }

    @Test
    void theRuntimeApiWorksOverAUnixSocketToo() {
        try (FakeWorkers unix = new FakeWorkers(dir.resolve("u"), RuntimeApiTransport.UNIX_SOCKET)) {
            Worker worker = unix.worker();
            FunctionRevision f = unix.function("unix");

            assertThat(text(worker.invoke(f, request(f, "over a socket")))).isEqualTo("over a socket");
            assertThat(unix.backend.launched()).singleElement().satisfies(s -> assertThat(s.environment())
                    .containsEntry("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"));
        }
    }
}
