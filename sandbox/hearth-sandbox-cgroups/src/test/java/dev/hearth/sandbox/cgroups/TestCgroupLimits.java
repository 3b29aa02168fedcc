package dev.hearth.sandbox.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.sandbox.spi.ResourceLimits;
import org.junit.jupiter.api.Test;

final class TestCgroupLimits {

    @Test
    void lambdasLimitsCarryOverExactly() {
        assertThat(CgroupLimits.of(ResourceLimits.forMemory(1769, 512)))
                .isEqualTo(new CgroupLimits(1769L * 1024 * 1024, 100_000, ResourceLimits.DEFAULT_MAX_PROCESSES, true));
        assertThat(CgroupLimits.of(new ResourceLimits(256, 0.25, 50, 64)))
                .isEqualTo(new CgroupLimits(256L * 1024 * 1024, 25_000, 50, false));
    }

    @Test
    void cpuQuotaFollowsVcpusWithTheKernelsMinimum() {
        assertThat(CgroupLimits.cpuQuotaMicros(1.0)).isEqualTo(100_000);
        assertThat(CgroupLimits.cpuQuotaMicros(128.0 / ResourceLimits.MB_PER_VCPU)).isEqualTo(7236);
        assertThat(CgroupLimits.cpuQuotaMicros(0.001)).isEqualTo(1000);
        assertThat(CgroupLimits.cpuQuotaMicros(6.0)).isEqualTo(600_000);
    }

    @Test
    void refusesLimitsTheKernelWouldNot() {
        assertThatThrownBy(() -> new CgroupLimits(0, 100_000, 10, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CgroupLimits(1024, 999, 10, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
