package dev.hearth.sandbox.gvisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.spi.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The host cgroup limits of a gVisor sandbox: the function's plus gVisor's kernel allowance. */
final class TestGvisorCgroupLimits {

    @Test
    void limitsAddGvisorsKernelAllowance() {
        GvisorSandboxSettings settings = GvisorSandboxSettings.defaults(Path.of("/unused"));

        assertThat(settings.cgroupLimits(ResourceLimits.forMemory(1769, 512)))
                .isEqualTo(new CgroupLimits((1769L + 32) * 1024 * 1024, 200_000, 2 * 1024 + 256, true));
    }

    @Test
    void withoutAllowanceTheQuotaIsTheFunctionsWithTheKernelsMinimum() {
        GvisorSandboxSettings exact = new GvisorSandboxSettings(Path.of("/unused"), 65534, 65534, "g", 0, 0,
                Duration.ofSeconds(1));

        assertThat(exact.cgroupLimits(new ResourceLimits(128, 0.001, 10, 512)))
                .isEqualTo(new CgroupLimits(128L * 1024 * 1024, 1000, 2 * 10 + 256, false));
    }
}
