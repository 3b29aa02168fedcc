package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class TestHearthColdStart {
    private static final String COLD_TAIL = """
            START RequestId: 1f0c Version: $LATEST
            END RequestId: 1f0c
            REPORT RequestId: 1f0c\tDuration: 1.25 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB\tInit Duration: 114.07 ms
            """;

    @Test
    void readsDurationAndInitDurationFromTheReportLine() {
        assertThat(HearthColdStart.duration(COLD_TAIL)).contains(1.25);
        assertThat(HearthColdStart.initDuration(COLD_TAIL)).contains(114.07);
    }

    @Test
    void aWarmReportHasNoInitDuration() {
        String warm = "REPORT RequestId: 2\tDuration: 0.40 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB\n";
        assertThat(HearthColdStart.initDuration(warm)).isEmpty();
        assertThat(HearthColdStart.duration(warm)).contains(0.40);
    }
}
