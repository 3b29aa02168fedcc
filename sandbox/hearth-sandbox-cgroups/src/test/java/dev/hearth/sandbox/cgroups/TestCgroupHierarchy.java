package dev.hearth.sandbox.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.sandbox.spi.ResourceLimits;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection and the files a sandbox cgroup is given, on directory trees shaped like cgroup mounts
 * (a cgroup v2 host is not available here; v1 also runs for real in the backends' suites).
 */
final class TestCgroupHierarchy {

    private static final String HYBRID_SELF = """
            9:name=systemd:/
            8:pids:/
            4:memory:/process_api/abc
            1:cpu,cpuacct:/
            0::/
            """;

    @TempDir
    private Path mount;

    @Test
    void detectsV1InHearthsOwnCgroupOfEachHierarchy() throws IOException {
        for (String controller : new String[] {"memory", "cpu", "pids"}) {
            Files.createDirectories(mount.resolve(controller));
            Files.writeString(mount.resolve(controller).resolve("cgroup.procs"), "");
        }
        Files.createDirectories(mount.resolve("unified"));

        CgroupHierarchy hierarchy = CgroupHierarchy.detect(mount, HYBRID_SELF, "hearth").orElseThrow();

        assertThat(hierarchy).isEqualTo(new CgroupHierarchy.V1(
                mount.resolve("memory/process_api/abc/hearth"), mount.resolve("cpu/hearth"), mount.resolve("pids/hearth")));
        assertThat(hierarchy.cgroupsPath("s-1")).isEqualTo("hearth/s-1");
        assertThat(hierarchy.sandbox("s-1").directories()).containsExactly(
                mount.resolve("memory/process_api/abc/hearth/s-1"), mount.resolve("cpu/hearth/s-1"),
                mount.resolve("pids/hearth/s-1"));
        assertThat(hierarchy.describe()).startsWith("cgroup v1");
    }

    @Test
    void detectsV2WhenTheUnifiedRootHasTheMemoryControllerWithAnAbsoluteCgroupsPath() throws IOException {
        Files.writeString(mount.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");

        CgroupHierarchy hierarchy = CgroupHierarchy.detect(mount, "0::/system.slice/hearth.service\n", "sandboxes")
                .orElseThrow();

        assertThat(hierarchy).isEqualTo(new CgroupHierarchy.V2(mount.resolve("system.slice/hearth.service/sandboxes"),
                "/system.slice/hearth.service/sandboxes"));
        assertThat(hierarchy.cgroupsPath("s-1")).isEqualTo("/system.slice/hearth.service/sandboxes/s-1");
    }

    @Test
    void findsNothingWithoutMemoryCpuAndPids() throws IOException {
        assertThat(CgroupHierarchy.detect(mount, "0::/\n", "hearth")).isEmpty();
        Files.writeString(mount.resolve("cgroup.controllers"), "hugetlb\n");

        assertThat(CgroupHierarchy.detect(mount, "0::/\n", "hearth")).isEmpty();
    }

    @Test
    void v2PrepareEnablesTheControllersForItsChildren() throws IOException {
        CgroupHierarchy.V2 hierarchy = new CgroupHierarchy.V2(mount.resolve("hearth"), "/hearth");

        hierarchy.prepare();

        assertThat(mount.resolve("cgroup.subtree_control")).hasContent("+memory +cpu +pids");
        assertThat(mount.resolve("hearth/cgroup.subtree_control")).hasContent("+memory +cpu +pids");
    }

    @Test
    void v2SandboxCgroupGetsMemoryCpuAndPidsLimits() throws IOException {
        CgroupHierarchy.V2 hierarchy = new CgroupHierarchy.V2(Files.createDirectories(mount.resolve("hearth")), "/hearth");
        SandboxCgroup.V2 group = hierarchy.sandbox("s1");

        SandboxCgroup created = hierarchy.create("s1", CgroupLimits.of(new ResourceLimits(512, 0.5, 100, 64)));

        assertThat(created).isEqualTo(group);
        assertThat(group.dir().resolve("memory.max")).hasContent(Long.toString(512L * 1024 * 1024));
        assertThat(group.dir().resolve("cpu.max")).hasContent("50000 100000");
        assertThat(group.dir().resolve("pids.max")).hasContent("100");
        assertThat(group.procsFiles()).containsExactly(group.dir().resolve("cgroup.procs"));
        assertThat(group.cpuQuotaMicros()).hasValue(50_000);
    }

    @Test
    void v1SandboxCgroupGetsMemoryCpuAndPidsLimitsInEachHierarchy() throws IOException {
        CgroupHierarchy.V1 hierarchy = new CgroupHierarchy.V1(mount.resolve("memory/hearth"), mount.resolve("cpu/hearth"),
                mount.resolve("pids/hearth"));
        hierarchy.prepare();

        SandboxCgroup.V1 group = (SandboxCgroup.V1) hierarchy.create("s1",
                CgroupLimits.of(new ResourceLimits(256, 0.25, 50, 64)));

        assertThat(group.memory().resolve("memory.limit_in_bytes")).hasContent(Long.toString(256L * 1024 * 1024));
        assertThat(group.cpu().resolve("cpu.cfs_period_us")).hasContent("100000");
        assertThat(group.cpu().resolve("cpu.cfs_quota_us")).hasContent("25000");
        assertThat(group.pids().resolve("pids.max")).hasContent("50");
        assertThat(group.procsFiles()).containsExactly(group.memory().resolve("cgroup.procs"),
                group.cpu().resolve("cgroup.procs"), group.pids().resolve("cgroup.procs"));
    }

    @Test
    void unthrottledInitLeavesTheCpuQuotaOutUntilLimitCpu() throws IOException {
        CgroupHierarchy.V1 v1 = new CgroupHierarchy.V1(mount.resolve("memory/h"), mount.resolve("cpu/h"), mount.resolve("pids/h"));
        CgroupHierarchy.V2 v2 = new CgroupHierarchy.V2(Files.createDirectories(mount.resolve("v2/h")), "/h");
        v1.prepare();
        CgroupLimits limits = CgroupLimits.of(ResourceLimits.forMemory(128, 512));
        assertThat(limits.cpuAfterInit()).isTrue();

        for (CgroupHierarchy hierarchy : new CgroupHierarchy[] {v1, v2}) {
            SandboxCgroup group = hierarchy.create("s1", limits);
            assertThat(group.cpuQuotaMicros()).as("%s before Init ends", hierarchy).isEmpty();

            group.limitCpu(limits.cpuQuotaMicros());
            group.limitCpu(limits.cpuQuotaMicros());

            assertThat(group.cpuQuotaMicros()).as("%s after Init", hierarchy).hasValue(7236);
        }
        assertThat(mount.resolve("memory/h/s1/memory.limit_in_bytes")).hasContent(Long.toString(128L * 1024 * 1024));
        assertThat(mount.resolve("v2/h/s1/cpu.max")).hasContent("7236 100000");
    }

    @Test
    void anUnlimitedCgroupGetsItsLimitsLater() throws IOException {
        CgroupHierarchy.V1 hierarchy = new CgroupHierarchy.V1(mount.resolve("memory/h"), mount.resolve("cpu/h"),
                mount.resolve("pids/h"));
        hierarchy.prepare();

        SandboxCgroup group = hierarchy.createUnlimited("_pool-1");
        assertThat(group.directories()).allSatisfy(dir -> assertThat(dir).isEmptyDirectory());

        group.applyLimits(CgroupLimits.of(new ResourceLimits(512, 1.0, 20, 64)));
        assertThat(mount.resolve("memory/h/_pool-1/memory.limit_in_bytes")).hasContent(Long.toString(512L * 1024 * 1024));
        assertThat(mount.resolve("pids/h/_pool-1/pids.max")).hasContent("20");
        assertThat(group.cpuQuotaMicros()).hasValue(100_000);
        assertThatThrownBy(() -> hierarchy.createUnlimited("_pool-1")).isInstanceOf(FileAlreadyExistsException.class);
        hierarchy.create("s1", CgroupLimits.of(ResourceLimits.forMemory(128, 16)));
        assertThat(hierarchy.children()).containsExactly("_pool-1", "s1");
    }

    @Test
    void aFailedCreateLeavesNothingBehind() {
        CgroupHierarchy.V2 hierarchy = new CgroupHierarchy.V2(mount.resolve("missing-parent"), "/missing-parent");
        CgroupHierarchy.V1 v1 = new CgroupHierarchy.V1(mount.resolve("memory/h"), mount.resolve("cpu/h"), mount.resolve("pids/h"));

        assertThatThrownBy(() -> hierarchy.create("s3", CgroupLimits.of(ResourceLimits.forMemory(128, 16))))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> v1.create("s3", CgroupLimits.of(ResourceLimits.forMemory(128, 16))))
                .isInstanceOf(IOException.class);
        assertThat(mount.resolve("missing-parent")).doesNotExist();
        assertThat(mount.resolve("memory/h")).doesNotExist();
    }

    @Test
    void anExistingCgroupIsRefusedAndLeftAlone() throws IOException {
        CgroupHierarchy.V2 hierarchy = new CgroupHierarchy.V2(Files.createDirectories(mount.resolve("hearth")), "/hearth");
        Path existing = Files.createDirectories(mount.resolve("hearth/s4"));

        assertThatThrownBy(() -> hierarchy.create("s4", CgroupLimits.of(ResourceLimits.forMemory(128, 16))))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(existing).isDirectory();
    }
}
