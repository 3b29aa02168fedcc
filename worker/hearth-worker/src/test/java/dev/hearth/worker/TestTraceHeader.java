package dev.hearth.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The X-Ray trace header of each invocation: format, sampling per mode, the caller's header continued. */
final class TestTraceHeader {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final String FORMAT = "Root=1-%s-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=%s";
    private static final String CALLER_ROOT = "1-5759e988-bd862e3fe1be46a994272793";

    private static String header(Optional<String> caller, TracingMode mode) {
        return TraceHeader.forInvocation(caller, mode, NOW, new SplittableRandom(7));
    }

    @Test
    void withoutACallerHeaderActiveSamplesAndPassThroughDoesNot() {
        String epochHex = Long.toHexString(NOW.getEpochSecond());

        assertThat(header(Optional.empty(), TracingMode.ACTIVE)).matches(FORMAT.formatted(epochHex, "1"));
        assertThat(header(Optional.empty(), TracingMode.PASS_THROUGH)).matches(FORMAT.formatted(epochHex, "0"));
    }

    @Test
    void theCallersRootAndSamplingDecisionAreKeptWithANewParent() {
        String caller = "Root=" + CALLER_ROOT + ";Parent=53995c3f42cd8ad8;Sampled=1";

        String passThrough = header(Optional.of(caller), TracingMode.PASS_THROUGH);
        String activeButNotSampled = header(Optional.of("Root=" + CALLER_ROOT + ";Sampled=0"), TracingMode.ACTIVE);
        String undecided = header(Optional.of("Root=" + CALLER_ROOT + ";Sampled=?"), TracingMode.ACTIVE);

        assertThat(passThrough).startsWith("Root=" + CALLER_ROOT + ";Parent=").endsWith(";Sampled=1")
                .doesNotContain("53995c3f42cd8ad8");
        assertThat(activeButNotSampled).startsWith("Root=" + CALLER_ROOT + ";").endsWith(";Sampled=0");
        assertThat(undecided).startsWith("Root=" + CALLER_ROOT + ";").endsWith(";Sampled=1");
        assertThat(header(Optional.of("Root=" + CALLER_ROOT), TracingMode.PASS_THROUGH)).endsWith(";Sampled=0");
    }

    @Test
    void aHeaderWithoutAWellFormedRootStartsANewTrace() {
        String header = header(Optional.of("Root=not-a-root;Sampled=1"), TracingMode.PASS_THROUGH);

        assertThat(header).matches(FORMAT.formatted(Long.toHexString(NOW.getEpochSecond()), "0"));
        assertThat(header(Optional.of("garbage"), TracingMode.ACTIVE)).endsWith(";Sampled=1");
    }
}
