package dev.hearth.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class TestPackageLimits {
    @Test
    void defaultsAreLambdasQuotas() {
        PackageLimits limits = PackageLimits.defaults();

        assertThat(limits.maxZippedBytes()).isEqualTo(52_428_800L);
        assertThat(limits.maxUnzippedBytes()).isEqualTo(262_144_000L);
        assertThat(limits.maxEntries()).isEqualTo(100_000);
        assertThat(limits.maxPathDepth()).isEqualTo(64);
        assertThat(limits.maxPathBytes()).isEqualTo(1024);
    }

    @Test
    void eachLimitCanBeChangedAlone() {
        PackageLimits defaults = PackageLimits.defaults();

        assertThat(defaults.withMaxZippedBytes(1)).isEqualTo(new PackageLimits(1, 262_144_000L, 100_000, 64, 1024));
        assertThat(defaults.withMaxUnzippedBytes(2)).isEqualTo(new PackageLimits(52_428_800L, 2, 100_000, 64, 1024));
        assertThat(defaults.withMaxEntries(3)).isEqualTo(new PackageLimits(52_428_800L, 262_144_000L, 3, 64, 1024));
        assertThat(defaults.withMaxPathDepth(4)).isEqualTo(new PackageLimits(52_428_800L, 262_144_000L, 100_000, 4, 1024));
        assertThat(defaults.withMaxPathBytes(5)).isEqualTo(new PackageLimits(52_428_800L, 262_144_000L, 100_000, 64, 5));
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> PackageLimits.defaults().withMaxUnzippedBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxUnzippedBytes must be positive, was 0");
        assertThatThrownBy(() -> PackageLimits.defaults().withMaxEntries(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxEntries must be positive, was -1");
    }
}
