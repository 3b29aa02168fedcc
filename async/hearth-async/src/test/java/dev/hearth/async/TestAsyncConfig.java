package dev.hearth.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TestAsyncConfig {

    @Test
    void defaultsFollowLambdasTiming() {
        AsyncConfig config = AsyncConfig.defaults();
        assertThat(config.pollers()).isEqualTo(4);
        assertThat(config.leaseBatchSize()).isEqualTo(4);
        assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.idlePollInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.functionErrorRetryDelays()).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2));
        assertThat(config.systemRetryInitialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.systemRetryMaxDelay()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void everySettingCanBeChanged() {
        AsyncConfig config = AsyncConfig.defaults()
                .withRetryDelays(List.of(Duration.ofMillis(5)), Duration.ofMillis(1), Duration.ofMillis(9))
                .withPollers(2, 8)
                .withLeaseDuration(Duration.ofSeconds(3));
        assertThat(config).isEqualTo(new AsyncConfig(2, 8, Duration.ofSeconds(3), Duration.ofMillis(100),
                List.of(Duration.ofMillis(5)), Duration.ofMillis(1), Duration.ofMillis(9)));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> AsyncConfig.defaults().withPollers(0, 1)).hasMessageContaining("pollers");
        assertThatThrownBy(() -> AsyncConfig.defaults().withPollers(1, 0)).hasMessageContaining("leaseBatchSize");
        assertThatThrownBy(() -> AsyncConfig.defaults().withLeaseDuration(Duration.ZERO)).hasMessageContaining("leaseDuration");
        assertThatThrownBy(() -> AsyncConfig.defaults().withRetryDelays(List.of(), Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("functionErrorRetryDelays");
        assertThatThrownBy(() -> AsyncConfig.defaults().withRetryDelays(List.of(Duration.ofSeconds(-1)), Duration.ZERO,
                Duration.ZERO)).hasMessageContaining("functionErrorRetryDelays");
    }
}
