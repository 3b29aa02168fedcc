package dev.hearth.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.placement.CapacitySettings;
import dev.hearth.placement.HostMemory;
import dev.hearth.worker.keepalive.FixedKeepAlive;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every default and every setting of {@link WorkerConfig}. */
final class TestWorkerConfig {
    private final WorkerConfig defaults = WorkerConfig.defaults(Path.of("/var/lib/hearth/work"));

    @Test
    void defaultsAreLambdas() {
        assertThat(defaults.workDir()).isEqualTo(Path.of("/var/lib/hearth/work"));
        assertThat(defaults.keepAlive()).isInstanceOfSatisfying(FixedKeepAlive.class,
                fixed -> assertThat(fixed.idleTimeout()).isEqualTo(Duration.ofMinutes(5)));
        assertThat(defaults.reapInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.initTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.maxResponseBytes()).isEqualTo(6_291_556L);
        assertThat(defaults.logTailBytes()).isEqualTo(4096);
        assertThat(defaults.scalingSandboxes()).isEqualTo(1000);
        assertThat(defaults.scalingPeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.capacity()).isEqualTo(CapacitySettings.forHost(HostMemory.totalMb()));
        assertThat(defaults.capacity().headroomMb()).isEqualTo(1024);
        assertThat(defaults.hostMemory()).isSameAs(WorkerConfig.PROC_MEMINFO);
        assertThat(defaults.streaming()).isEqualTo(new StreamingLimits(209_715_200L, 6_291_456L, 2_097_152L));
    }

    @Test
    void aHostCanBeDescribedInsteadOfRead() {
        HostMemory fake = () -> 4096;

        WorkerConfig forHost = WorkerConfig.defaults(Path.of("/w"), 8192, fake);

        assertThat(forHost.capacity()).isEqualTo(CapacitySettings.forHost(8192));
        assertThat(forHost.hostMemory()).isSameAs(fake);
        assertThat(forHost.withKeepAlive(new FixedKeepAlive(Duration.ofSeconds(1))).hostMemory())
                .as("kept by every with…").isSameAs(fake);
    }

    @Test
    void everySettingCanBeChanged() {
        KeepAlivePolicy keepAlive = new FixedKeepAlive(Duration.ofSeconds(30));
        HostMemory fakeMemory = () -> 1234;
        WorkerConfig changed = defaults.withKeepAlive(keepAlive)
                .withReapInterval(Duration.ofSeconds(1)).withInitTimeout(Duration.ofSeconds(2))
                .withMaxResponseBytes(1000).withLogTailBytes(100)
                .withCapacity(new CapacitySettings(2048, 100, Duration.ofSeconds(1), 5))
                .withScalingRate(10, Duration.ofSeconds(1)).withHostMemory(fakeMemory)
                .withStreaming(StreamingLimits.LAMBDA.withBytesPerSecond(1).withMaxBytes(5));

        assertThat(changed).isEqualTo(new WorkerConfig(Path.of("/var/lib/hearth/work"), keepAlive, Duration.ofSeconds(1),
                Duration.ofSeconds(2), 1000, 100,
                new CapacitySettings(2048, 100, Duration.ofSeconds(1), 5), 10, Duration.ofSeconds(1), fakeMemory,
                new StreamingLimits(5, 6_291_456L, 1)));
        assertThat(defaults.withIdleTimeout(Duration.ofSeconds(7)).keepAlive()).isInstanceOfSatisfying(FixedKeepAlive.class,
                fixed -> assertThat(fixed.idleTimeout()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void nonPositiveValuesAreRefused() {
        assertThatThrownBy(() -> defaults.withIdleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> defaults.withMaxResponseBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withInitTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
