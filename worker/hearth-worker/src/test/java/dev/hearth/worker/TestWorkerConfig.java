package dev.hearth.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every default and every setting of {@link WorkerConfig}. */
final class TestWorkerConfig {
    private final WorkerConfig defaults = WorkerConfig.defaults(Path.of("/var/lib/hearth/work"));

    @Test
    void defaultsAreLambdas() {
        assertThat(defaults.workDir()).isEqualTo(Path.of("/var/lib/hearth/work"));
        assertThat(defaults.region()).isEqualTo("us-east-1");
        assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.reapInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.initTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.maxResponseBytes()).isEqualTo(6_291_556L);
        assertThat(defaults.logTailBytes()).isEqualTo(4096);
    }

    @Test
    void everySettingCanBeChanged() {
        WorkerConfig changed = defaults.withRegion("eu-west-1").withIdleTimeout(Duration.ofSeconds(30))
                .withReapInterval(Duration.ofSeconds(1)).withInitTimeout(Duration.ofSeconds(2))
                .withMaxResponseBytes(1000).withLogTailBytes(100);

        assertThat(changed).isEqualTo(new WorkerConfig(Path.of("/var/lib/hearth/work"), "eu-west-1",
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(2), 1000, 100));
    }

    @Test
    void nonPositiveValuesAreRefused() {
        assertThatThrownBy(() -> defaults.withIdleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> defaults.withMaxResponseBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withInitTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
