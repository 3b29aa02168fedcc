package dev.hearth.worker;

import static dev.hearth.worker.FakeWorkers.request;
import static dev.hearth.worker.FakeWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.testing.FakeAction;
import dev.hearth.sandbox.spi.testing.FakeRuntime;
import dev.hearth.sandbox.spi.testing.FakeSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SnapStart in the worker, on the fake backend's snapshots: one snapshot per revision, sandboxes
 * restored from it, and the housekeeping's deletion of snapshots whose revision is outdated.
 */
final class TestSnapStartOnWorker {
    @TempDir
    Path dir;

    private FakeWorkers fakes;

    @BeforeEach
    void setUp() {
        fakes = new FakeWorkers(dir);
        fakes.backend.withSnapshots().runtime(FakeRuntime.of(event -> FakeAction.respond("#" + event.sequence())));
    }

    @AfterEach
    void tearDown() {
        fakes.close();
    }

    private FunctionRevision snapStart(String revisionId) {
        FunctionRevision f = fakes.function("snappy", "1", revisionId);
        return new FunctionRevision(f.account(), f.functionName(), f.version(), f.functionArn(), f.revisionId(), f.runtime(), f.handler(),
                f.memoryMb(), f.timeoutSeconds(), f.ephemeralStorageMb(), f.environment(), f.taskRoot(), f.codeSha256(), true,
                f.tracingMode(), List.of());
    }

    private static List<Path> images(Path workDir) throws IOException {
        Path root = workDir.resolve("snapstart");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.toList();
        }
    }

    @Test
    void aVersionIsSnapshottedOnceAndItsSandboxesAreRestoredWithoutInit() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision v1 = snapStart("rev-1");
        assertThat(worker.takesSnapStartSnapshots()).isTrue();

        worker.prepareSnapStart(v1).get();
        InvocationResult first = worker.invoke(v1, request(v1, "x"));
        InvocationResult second = worker.invoke(v1, request(v1, "x"));

        assertThat(text(first)).isEqualTo("#1");
        assertThat(text(second)).isEqualTo("#2");
        List<FakeSandbox> launched = fakes.backend.launched();
        assertThat(launched).hasSize(2);
        assertThat(launched.getFirst().launchedForSnapshot()).isTrue();
        assertThat(launched.getFirst().wasKilled()).as("saved, then killed").isTrue();
        assertThat(launched.getLast().restored()).isTrue();
        assertThat(launched.getLast().toldInitialised()).as("told even though its /next can beat the launch's return").isTrue();
        assertThat(launched.getLast().environment()).containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        assertThat(images(dir.resolve("work-1"))).hasSize(1);
    }

    @Test
    void theHousekeepingDeletesTheSnapshotsOfOutdatedRevisions() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision rev1 = snapStart("rev-1");
        FunctionRevision rev2 = snapStart("rev-2");
        worker.invoke(rev1, request(rev1, "x"));
        assertThat(worker.runHousekeeping().snapStartImagesDeleted()).as("rev-1 is current").isZero();

        worker.invoke(rev2, request(rev2, "x"));
        assertThat(images(dir.resolve("work-1"))).hasSize(2);
        fakes.clock.advance(Duration.ofSeconds(10));

        assertThat(worker.runHousekeeping().snapStartImagesDeleted()).isEqualTo(1);
        assertThat(images(dir.resolve("work-1"))).hasSize(1);
        assertThat(worker.runHousekeeping().snapStartImagesDeleted()).isZero();
    }
}
