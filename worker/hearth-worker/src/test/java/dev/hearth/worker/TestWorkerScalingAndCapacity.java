package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.placement.CapacitySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling rate and the host's capacity on the worker's invocation path, with real sandboxes. */
final class TestWorkerScalingAndCapacity {
    @TempDir
    static Path root;
    private static ProcessWorkers workers;
    private static Path counterCode;

    private final ManualClock clock = new ManualClock();
    private Worker worker;

    @BeforeAll
    static void startBackend() throws Exception {
        workers = ProcessWorkers.open(root);
        counterCode = workers.install("python-counter", List.of("app.py"));
    }

    @AfterAll
    static void stopBackend() {
        workers.close();
    }

    @AfterEach
    void closeWorker() {
        worker.close();
    }

    private Worker newWorker(UnaryOperator<WorkerConfig> adjust) throws Exception {
        return workers.worker(adjust, clock, new RecordingLogSink());
    }

    private static FunctionRevision function(String name) {
        return TestFunctions.snapshot(name, "python3.12", "app.handler", counterCode, 10, "rev-1", Map.of());
    }

    private static CompletableFuture<InvocationResult> sleepAsync(Worker worker, FunctionRevision f, double seconds) {
        return CompletableFuture.supplyAsync(() -> worker.invoke(f, request(f, "{\"action\":\"sleep\",\"seconds\":" + seconds + "}")),
                Executors.newVirtualThreadPerTaskExecutor());
    }

    @Test
    void newSandboxesBeyondTheScalingRateAreThrottledWhileWarmOnesServeAndTheBucketRefills() throws Exception {
        worker = newWorker(c -> c.withScalingRate(1, Duration.ofMinutes(1)));
        FunctionRevision f = function("scaling");
        worker.invoke(f, request(f, "{\"action\":\"count\"}"));

        CompletableFuture<InvocationResult> busy = sleepAsync(worker, f, 2);
        await().until(() -> worker.sandboxes().stream().allMatch(s -> s.phase() == SandboxInfo.Phase.BUSY));

        assertThatThrownBy(() -> worker.invoke(f, request(f, "{\"action\":\"count\"}")))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.TooManyRequestsException);
                    assertThat(e.extraFields()).containsEntry("Reason", "FunctionInvocationRateLimitExceeded");
                });
        assertThat(worker.invoke(function("other-function"), request(function("other-function"), "{}")).functionError())
                .as("the rate is per function").isEmpty();
        assertThat(busy.get().functionError()).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        CompletableFuture<InvocationResult> again = sleepAsync(worker, f, 1);
        await().until(() -> worker.sandboxes().stream().filter(s -> s.functionName().equals("scaling"))
                .allMatch(s -> s.phase() == SandboxInfo.Phase.BUSY));
        assertThat(worker.invoke(f, request(f, "{\"action\":\"count\"}")).functionError())
                .as("one new sandbox per minute: refilled").isEmpty();
        assertThat(again.get().functionError()).isEmpty();
    }

    @Test
    void runningInvocationsNeverExceedTheHostBudget() throws Exception {
        worker = newWorker(c -> c.withCapacity(new CapacitySettings(128, 0, Duration.ZERO, 0)));
        FunctionRevision f = function("budget");
        CompletableFuture<InvocationResult> first = sleepAsync(worker, f, 2);
        await().until(() -> worker.capacity().runningMb() == 128);

        assertThatThrownBy(() -> worker.invoke(f, request(f, "{\"action\":\"count\"}")))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.extraFields()).containsEntry("Reason", "HostCapacityExceeded");
                    assertThat(e.getMessage()).contains("reserve 128 MB of 128 MB");
                });
        assertThat(first.get().functionError()).isEmpty();
        assertThat(worker.capacity().runningMb()).isZero();
        assertThat(worker.invoke(f, request(f, "{\"action\":\"count\"}")).functionError()).isEmpty();
        assertThat(worker.capacity().throttled()).isEqualTo(1);
    }

    @Test
    void withoutRoomForANewSandboxIdleOnesAreEvictedAndTheStartIsThrottled() throws Exception {
        // a headroom no host has: every new sandbox is short of memory
        worker = newWorker(c -> c.withCapacity(new CapacitySettings(1 << 20, 1L << 40, Duration.ZERO, 0)));
        FunctionRevision f = function("no-room");

        assertThatThrownBy(() -> worker.invoke(f, request(f, "{}")))
                .isInstanceOfSatisfying(LambdaException.class, e ->
                        assertThat(e.getMessage()).contains("sandbox does not fit").contains("after evicting idle sandboxes"));
        assertThat(worker.sandboxes()).as("the refused sandbox was never launched").isEmpty();
        assertThat(worker.metrics().coldStarts()).isEqualTo(1);
    }
}
