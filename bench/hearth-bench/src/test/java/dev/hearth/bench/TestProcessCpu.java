package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class TestProcessCpu {

    @Test
    void readsThisJvmsCpuTimeAndZerosForAProcessThatIsGone() throws Exception {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcessCpu.ticks(pid)[0]).as("a JVM that compiled and ran tests has used CPU").isPositive();
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        assertThat(ProcessCpu.ticks(exited.pid())).containsExactly(0, 0);
    }

    @Test
    void snapshotsSubtract() throws Exception {
        ProcessCpu.Snapshot snapshot = ProcessCpu.snapshot(ProcessHandle.current().pid());
        assertThat(snapshot.driver()).isPositive();
        ProcessCpu.Snapshot later = new ProcessCpu.Snapshot(snapshot.driver().plusMillis(30), snapshot.server().plusMillis(20),
                snapshot.children().plusMillis(10));
        assertThat(later.since(snapshot)).isEqualTo(new ProcessCpu.Snapshot(Duration.ofMillis(30), Duration.ofMillis(20),
                Duration.ofMillis(10)));
    }
}
