package dev.hearth.sandbox.gvisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestCgroupPlacement {

    @TempDir
    private Path mount;

    @Test
    void v1PlacesSandboxesInHearthsOwnCgroupOfEachHierarchy() throws Exception {
        for (String controller : new String[] {"memory", "cpu", "pids"}) {
            Files.createDirectories(mount.resolve(controller));
            Files.writeString(mount.resolve(controller).resolve("cgroup.procs"), "");
        }
        String self = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/\n";

        CgroupPlacement placement = CgroupPlacement.detect(mount, self, "hearth-gvisor").orElseThrow();

        assertThat(placement).isEqualTo(new CgroupPlacement.V1(mount.resolve("memory/process_api/abc/hearth-gvisor"),
                mount.resolve("cpu/hearth-gvisor"), mount.resolve("pids/hearth-gvisor"), "hearth-gvisor"));
        assertThat(placement.cgroupsPath("s-1")).isEqualTo("hearth-gvisor/s-1");
        assertThat(placement.existing("s-1").directories()).containsExactly(
                mount.resolve("memory/process_api/abc/hearth-gvisor/s-1"), mount.resolve("cpu/hearth-gvisor/s-1"),
                mount.resolve("pids/hearth-gvisor/s-1"));
    }

    @Test
    void v2PlacesSandboxesUnderHearthsOwnCgroupWithAnAbsolutePath() throws Exception {
        Files.writeString(mount.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");

        CgroupPlacement placement = CgroupPlacement.detect(mount, "0::/system.slice/hearth.service\n", "hearth-gvisor")
                .orElseThrow();

        assertThat(placement).isEqualTo(new CgroupPlacement.V2(mount.resolve("system.slice/hearth.service/hearth-gvisor"),
                "/system.slice/hearth.service/hearth-gvisor"));
        assertThat(placement.cgroupsPath("s-1")).isEqualTo("/system.slice/hearth.service/hearth-gvisor/s-1");
    }

    @Test
    void noUsableHierarchyIsEmpty() {
        assertThat(CgroupPlacement.detect(mount, "0::/\n", "hearth-gvisor")).isEmpty();
    }

    @Test
    void limitsAddGvisorsKernelAllowance() {
        CgroupLimits limits = CgroupLimits.forSandbox(ResourceLimits.forMemory(1769, 512), 32, 1.0);

        assertThat(limits).isEqualTo(new CgroupLimits((1769L + 32) * 1024 * 1024, 200_000, 2 * 1024 + 256));
        assertThat(CgroupLimits.forSandbox(new ResourceLimits(128, 0.001, 10, 512), 0, 0).cpuQuotaMicros())
                .isEqualTo(1000);
    }
}
