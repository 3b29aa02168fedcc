package dev.hearth.sandbox.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a sandbox cgroup's kernel files, on directories shaped like them. */
final class TestSandboxCgroup {

    @TempDir
    private Path mount;

    @Test
    void v2ReadsPeakOomKillsAndMembers() throws IOException {
        SandboxCgroup.V2 group = new SandboxCgroup.V2(Files.createDirectories(mount.resolve("s2")));
        Files.writeString(group.dir().resolve("memory.current"), "1000\n");
        Files.writeString(group.dir().resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Files.writeString(group.dir().resolve("cgroup.procs"), "12\n34\n");
        Files.writeString(group.dir().resolve("cpu.max"), "max 100000\n");

        assertThat(group.peakMemoryBytes()).isEqualTo(1000);
        Files.writeString(group.dir().resolve("memory.peak"), "4096\n");
        assertThat(group.peakMemoryBytes()).isEqualTo(4096);
        assertThat(group.oomKills()).isEqualTo(1);
        assertThat(group.members()).containsExactly(12L, 34L);
        assertThat(group.cpuQuotaMicros()).isEmpty();
    }

    @Test
    void v1ReadsPeakOomKillsAndMembersOfEveryHierarchy() throws IOException {
        SandboxCgroup.V1 group = new SandboxCgroup.V1(Files.createDirectories(mount.resolve("m")),
                Files.createDirectories(mount.resolve("c")), Files.createDirectories(mount.resolve("p")));
        Files.writeString(group.memory().resolve("memory.max_usage_in_bytes"), "123456\n");
        Files.writeString(group.memory().resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        Files.writeString(group.memory().resolve("cgroup.procs"), "7\n");
        Files.writeString(group.pids().resolve("cgroup.procs"), "7\n8\n");
        Files.writeString(group.cpu().resolve("cpu.cfs_quota_us"), "-1\n");

        assertThat(group.peakMemoryBytes()).isEqualTo(123456);
        assertThat(group.oomKills()).isEqualTo(2);
        assertThat(group.members()).containsExactly(7L, 8L);
        assertThat(group.cpuQuotaMicros()).isEmpty();
    }

    @Test
    void aRemovedCgroupHasNoMembersNoUsageAndNoQuota() throws IOException {
        SandboxCgroup.V1 group = new SandboxCgroup.V1(mount.resolve("m"), mount.resolve("c"), mount.resolve("p"));

        assertThat(group.members()).isEmpty();
        assertThat(group.peakMemoryBytes()).isZero();
        assertThat(group.oomKills()).isZero();
        assertThat(group.cpuQuotaMicros()).isEmpty();
        group.killUntilEmpty(Duration.ofSeconds(1));
        group.remove();
        assertThatThrownBy(() -> group.limitCpu(10_000)).isInstanceOf(IOException.class)
                .hasCauseInstanceOf(NoSuchFileException.class).hasMessageContaining("cpu.cfs_quota_us");
    }

    @Test
    void removeWithinRemovesEveryDirectory() throws IOException {
        SandboxCgroup.V1 group = new SandboxCgroup.V1(Files.createDirectories(mount.resolve("m")),
                Files.createDirectories(mount.resolve("c")), Files.createDirectories(mount.resolve("p")));

        group.removeWithin(Duration.ofSeconds(1));
        group.removeWithin(Duration.ofSeconds(1));

        assertThat(mount.resolve("m")).doesNotExist();
        assertThat(mount.resolve("c")).doesNotExist();
        assertThat(mount.resolve("p")).doesNotExist();
    }

    @Test
    void v1FreezesThroughTheFreezerHierarchyWhenItHasOne() throws IOException {
        Path freezer = Files.createDirectories(mount.resolve("f"));
        SandboxCgroup.V1 group = new SandboxCgroup.V1(Files.createDirectories(mount.resolve("m")),
                Files.createDirectories(mount.resolve("c")), Files.createDirectories(mount.resolve("p")),
                Optional.of(freezer));
        Files.writeString(freezer.resolve("freezer.state"), "THAWED\n");

        assertThat(group.canFreeze()).isTrue();
        assertThat(group.directories()).endsWith(freezer);
        assertThat(group.procsFiles()).contains(freezer.resolve("cgroup.procs"));
        group.freeze(Duration.ofSeconds(1)); // a plain file reads back what was written, as the kernel does once frozen
        assertThat(group.frozen()).isTrue();
        group.thaw();
        assertThat(freezer.resolve("freezer.state")).hasContent("THAWED");
        assertThat(group.frozen()).isFalse();
        assertThat(new SandboxCgroup.V1(mount.resolve("m"), mount.resolve("c"), mount.resolve("p")).canFreeze()).isFalse();
    }

    @Test
    void v2FreezeWaitsForTheKernelToReportFrozen() throws IOException {
        SandboxCgroup.V2 group = new SandboxCgroup.V2(Files.createDirectories(mount.resolve("s2")));
        Files.writeString(group.dir().resolve("cgroup.events"), "populated 1\nfrozen 0\n");

        assertThatThrownBy(() -> group.freeze(Duration.ofMillis(50))).isInstanceOf(IOException.class)
                .hasMessageContaining("frozen is not 1");
        assertThat(group.dir().resolve("cgroup.freeze")).hasContent("1");

        Files.writeString(group.dir().resolve("cgroup.events"), "populated 1\nfrozen 1\n");
        group.freeze(Duration.ofSeconds(1));
        assertThat(group.frozen()).isTrue();
        group.thaw();
        assertThat(group.dir().resolve("cgroup.freeze")).hasContent("0");
    }

    @Test
    void removeWithinGivesUpWithTheKernelsRefusal() throws IOException {
        SandboxCgroup.V2 group = new SandboxCgroup.V2(Files.createDirectories(mount.resolve("busy")));
        Files.writeString(group.dir().resolve("cgroup.procs"), "1\n"); // a non-empty directory stands for EBUSY

        assertThatThrownBy(() -> group.removeWithin(Duration.ofMillis(50))).isInstanceOf(IOException.class);
        assertThat(group.dir()).isDirectory();
    }
}
