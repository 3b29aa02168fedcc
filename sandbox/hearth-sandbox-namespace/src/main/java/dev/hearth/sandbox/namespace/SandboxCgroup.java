package dev.hearth.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup(s) of one sandbox. Every process of the sandbox is in it from before bubblewrap
 * starts (see {@link BwrapCommand}), so it is the authoritative list of what to kill and what to
 * account. Thread-safe: every method reads or writes kernel files only.
 */
sealed interface SandboxCgroup {

    /** Cgroup v1: one directory per hierarchy. */
    record V1(Path memory, Path cpu, Path pids) implements SandboxCgroup {
        @Override
        public List<Path> procsFiles() {
            return List.of(memory.resolve("cgroup.procs"), cpu.resolve("cgroup.procs"), pids.resolve("cgroup.procs"));
        }

        @Override
        public long peakMemoryBytes() {
            return Math.max(0, CgroupFiles.number(memory.resolve("memory.max_usage_in_bytes")));
        }

        @Override
        public long oomKills() {
            return CgroupFiles.keyed(memory.resolve("memory.oom_control"), "oom_kill");
        }

        @Override
        public void signalKill() {
            // v1 has no cgroup.kill; see killAll()
        }

        @Override
        public void remove() throws IOException {
            for (Path dir : List.of(memory, cpu, pids)) {
                Files.deleteIfExists(dir);
            }
        }
    }

    /** Cgroup v2: one directory. */
    record V2(Path dir) implements SandboxCgroup {
        @Override
        public List<Path> procsFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        /** {@code memory.peak} (kernel 5.19+); on older kernels the current usage, sampled by each call. */
        @Override
        public long peakMemoryBytes() {
            long peak = CgroupFiles.number(dir.resolve("memory.peak"));
            return Math.max(0, peak >= 0 ? peak : CgroupFiles.number(dir.resolve("memory.current")));
        }

        @Override
        public long oomKills() {
            return CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill");
        }

        @Override
        public void signalKill() throws IOException {
            Path kill = dir.resolve("cgroup.kill");
            if (Files.exists(kill)) {
                CgroupFiles.write(kill, "1");
            }
        }

        @Override
        public void remove() throws IOException {
            Files.deleteIfExists(dir);
        }
    }

    /** The {@code cgroup.procs} files a launching process writes its pid to, in order. */
    List<Path> procsFiles();

    /** Peak memory of the whole sandbox in bytes (0 if unknown). */
    long peakMemoryBytes();

    /** How many processes the kernel's OOM killer has killed in this cgroup. */
    long oomKills();

    /** Kills every member at once where the kernel can ({@code cgroup.kill} on v2); else does nothing. */
    void signalKill() throws IOException;

    /** Removes the (empty) cgroup directories; the kernel refuses ({@code EBUSY}) while members remain. */
    void remove() throws IOException;

    /** The pids of every member, over all hierarchies. */
    default Set<Long> members() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path procs : procsFiles()) {
            pids.addAll(CgroupFiles.pids(procs));
        }
        return pids;
    }

    /** Sends SIGKILL to every member now ({@link #signalKill()} first, then each listed pid). */
    default void killAll() throws IOException {
        signalKill();
        for (long pid : members()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
