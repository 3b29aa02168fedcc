package dev.hearth.threads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class TestHearthThreads {
    @Test
    void threadsAreNamedAfterTheirRoleAndLogFailures() throws Exception {
        Thread virtual = HearthThreads.virtual("poller").newThread(() -> {});
        assertThat(virtual.isVirtual()).isTrue();
        assertThat(virtual.getName()).isEqualTo("hearth-poller-0");
        assertThat(virtual.getUncaughtExceptionHandler()).isSameAs(HearthThreads.LOG_FAILURES);

        Thread daemon = HearthThreads.daemon("hearth-log-pump").newThread(() -> {});
        assertThat(daemon.isVirtual()).isFalse();
        assertThat(daemon.isDaemon()).isTrue();
        assertThat(daemon.getName()).isEqualTo("hearth-log-pump-0");
        assertThat(daemon.getUncaughtExceptionHandler()).isSameAs(HearthThreads.LOG_FAILURES);
    }

    @Test
    void executorsRunTasksOnNamedThreads() throws Exception {
        try (ExecutorService perTask = HearthThreads.perTaskVirtual("request")) {
            Future<String> name = perTask.submit(() -> Thread.currentThread().getName());
            assertThat(name.get(10, TimeUnit.SECONDS)).startsWith("hearth-request-");
        }
        ScheduledExecutorService scheduler = HearthThreads.scheduler("housekeeping");
        try {
            assertThat(scheduler.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS))
                    .isEqualTo("hearth-housekeeping");
        } finally {
            scheduler.shutdownNow();
        }
        Thread started = HearthThreads.startVirtual("once", () -> {});
        started.join();
        assertThat(started.getName()).isEqualTo("hearth-once");
    }
}
