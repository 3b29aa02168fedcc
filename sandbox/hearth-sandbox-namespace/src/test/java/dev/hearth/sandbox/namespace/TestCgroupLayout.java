package dev.hearth.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.sandbox.spi.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layout detection and the files a sandbox cgroup is given, on directory trees shaped like cgroup
 * mounts (a cgroup v2 host is not available here; the v1 path also runs for real in the other suites).
 */
final class TestCgroupLayout {

    private static final String HYBRID_SELF = """
            9:name=systemd:/
            8:pids:/
            4:memory:/process_api/abc
            1:cpu:/
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

        assertThat(CgroupLayout.detect(mount, HYBRID_SELF, "hearth")).contains(new CgroupLayout.V1(
                mount.resolve("memory/process_api/abc/hearth"), mount.resolve("cpu/hearth"), mount.resolve("pids/hearth")));
    }

    @Test
    void detectsV2WhenTheUnifiedRootHasTheMemoryController() throws IOException {
        Files.writeString(mount.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");

        assertThat(CgroupLayout.detect(mount, "0::/system.slice/hearth.service\n", "sandboxes"))
                .contains(new CgroupLayout.V2(mount.resolve("system.slice/hearth.service/sandboxes")));
    }

    @Test
    void findsNothingWithoutMemoryCpuAndPids() throws IOException {
        Files.writeString(mount.resolve("cgroup.controllers"), "hugetlb\n");

        assertThat(CgroupLayout.detect(mount, "0::/\n", "hearth")).isEmpty();
    }

    @Test
    void v2SandboxCgroupGetsMemoryCpuAndPidsLimits() throws IOException {
        CgroupLayout.V2 layout = new CgroupLayout.V2(mount.resolve("hearth"));
        Files.createDirectories(layout.parent());
        SandboxCgroup.V2 group = layout.of("s1");

        SandboxCgroup created = layout.create("s1", new ResourceLimits(512, 0.5, 100, 64));

        assertThat(created).isEqualTo(group);
        assertThat(group.dir().resolve("memory.max")).hasContent(Long.toString(512L * 1024 * 1024));
        assertThat(group.dir().resolve("cpu.max")).hasContent("50000 100000");
        assertThat(group.dir().resolve("pids.max")).hasContent("100");
        assertThat(group.procsFiles()).containsExactly(group.dir().resolve("cgroup.procs"));
    }

    @Test
    void v2ReadsPeakAndOomKillsFromTheKernelsFiles() throws IOException {
        SandboxCgroup.V2 group = new SandboxCgroup.V2(Files.createDirectories(mount.resolve("s2")));
        Files.writeString(group.dir().resolve("memory.current"), "1000\n");
        Files.writeString(group.dir().resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Files.writeString(group.dir().resolve("cgroup.procs"), "12\n34\n");

        assertThat(group.peakMemoryBytes()).isEqualTo(1000);
        Files.writeString(group.dir().resolve("memory.peak"), "4096\n");
        assertThat(group.peakMemoryBytes()).isEqualTo(4096);
        assertThat(group.oomKills()).isEqualTo(1);
        assertThat(group.members()).containsExactly(12L, 34L);
    }

    @Test
    void v1ReadsPeakAndOomKills() throws IOException {
        SandboxCgroup.V1 group = new SandboxCgroup.V1(Files.createDirectories(mount.resolve("m")),
                Files.createDirectories(mount.resolve("c")), Files.createDirectories(mount.resolve("p")));
        Files.writeString(group.memory().resolve("memory.max_usage_in_bytes"), "123456\n");
        Files.writeString(group.memory().resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");

        assertThat(group.peakMemoryBytes()).isEqualTo(123456);
        assertThat(group.oomKills()).isEqualTo(2);
        assertThat(group.members()).isEmpty();
    }

    @Test
    void aFailedCreateLeavesNothingBehind() throws IOException {
        CgroupLayout.V2 layout = new CgroupLayout.V2(mount.resolve("missing-parent"));

        assertThatThrownBy(() -> layout.create("s3", ResourceLimits.forMemory(128, 16))).isInstanceOf(IOException.class);
        assertThat(mount.resolve("missing-parent")).doesNotExist();
    }

    @Test
    void cpuQuotaFollowsVcpusWithTheKernelsMinimum() {
        assertThat(CgroupLayout.cpuQuotaMicros(ResourceLimits.forMemory(1769, 512))).isEqualTo(100_000);
        assertThat(CgroupLayout.cpuQuotaMicros(ResourceLimits.forMemory(128, 512))).isEqualTo(7236);
        assertThat(CgroupLayout.cpuQuotaMicros(new ResourceLimits(128, 0.001, 10, 10))).isEqualTo(1000);
    }
}
