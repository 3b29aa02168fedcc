package dev.hearth.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.SandboxExit;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lambda's platform lines and messages, character for character. */
final class TestPlatformLog {

    @Test
    void reportLineHasLambdasFieldsAndTabs() {
        String line = PlatformLog.report("req-1", Duration.ofNanos(12_345_678), Optional.of(Duration.ofNanos(123_456_789)), false,
                128, 45L * 1024 * 1024 + 1, Optional.empty());

        assertThat(line).isEqualTo("REPORT RequestId: req-1\tDuration: 12.35 ms\tBilled Duration: 136 ms"
                + "\tMemory Size: 128 MB\tMax Memory Used: 46 MB\tInit Duration: 123.46 ms");
    }

    @Test
    void warmReportHasNoInitDurationAndBillsAtLeastOneMillisecond() {
        assertThat(PlatformLog.report("r", Duration.ofNanos(10_000), Optional.empty(), false, 512, 0, Optional.of("Status: timeout")))
                .isEqualTo("REPORT RequestId: r\tDuration: 0.01 ms\tBilled Duration: 1 ms\tMemory Size: 512 MB"
                        + "\tMax Memory Used: 0 MB\tStatus: timeout");
    }

    @Test
    void restoredSandboxReportsRestoreDurationBilledApart() {
        assertThat(PlatformLog.report("r", Duration.ofMillis(5), Optional.of(Duration.ofNanos(110_500_000)), true, 256,
                0, Optional.empty()))
                .isEqualTo("REPORT RequestId: r\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 256 MB"
                        + "\tMax Memory Used: 0 MB\tRestore Duration: 110.50 ms\tBilled Restore Duration: 111 ms");
    }

    @Test
    void startEndAndNames() {
        assertThat(PlatformLog.start("abc", "$LATEST")).isEqualTo("START RequestId: abc Version: $LATEST");
        assertThat(PlatformLog.end("abc")).isEqualTo("END RequestId: abc");
        assertThat(PlatformLog.logGroup("fn")).isEqualTo("/aws/lambda/fn");
        assertThat(PlatformLog.logStream(Instant.parse("2026-03-04T23:59:59Z"), "7", "0123456789abcdef0123456789abcdef"))
                .isEqualTo("2026/03/04/[7]0123456789abcdef0123456789abcdef");
        assertThat(PlatformLog.timedOut(Duration.ofSeconds(3))).isEqualTo("Task timed out after 3.00 seconds");
        assertThat(PlatformLog.timestamp(Instant.parse("2026-03-04T05:06:07.089Z"))).isEqualTo("2026-03-04T05:06:07.089Z");
    }

    @Test
    void exitsAreDescribedAsLambdaDoes() {
        assertThat(ExitDescription.of(new SandboxExit(1, false, false))).isEqualTo("exit status 1");
        assertThat(ExitDescription.of(new SandboxExit(137, true, false))).isEqualTo("signal: killed");
        assertThat(ExitDescription.of(new SandboxExit(139, false, false))).isEqualTo("signal: segmentation fault");
        assertThat(ExitDescription.of(new SandboxExit(0, false, false))).isEqualTo("exit status 0");
    }

    @Test
    void logTailKeepsTheLastBytesAndDropsACutCharacter() {
        LogTail tail = new LogTail(10);
        tail.add("0123456789");
        tail.add("é-end");

        assertThat(tail.text()).isEqualTo("89\né-end\n");
        LogTail cut = new LogTail(6);
        cut.add("aéééé");
        assertThat(cut.text()).isEqualTo("éé\n");
    }
}
