package dev.hearth.sandbox.gvisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The cgroup(s) of one sandbox, created by the backend before runsc starts so that runsc joins
 * them without changing or removing them: the backend can still read the peak memory and the OOM
 * count after the sandbox has ended. Every host process of the sandbox (Gofer, Sentry, ptrace
 * stubs) is in it. Thread-safe: every method reads or writes kernel files only.
 */
sealed interface ContainerCgroup {

    /** Cgroup v1: one directory in each of the memory, cpu and pids hierarchies. */
    record V1(Path memory, Path cpu, Path pids) implements ContainerCgroup {
        @Override
        public List<Path> directories() {
            return List.of(memory, cpu, pids);
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
            // v1 has no cgroup.kill; killAll() signals each member
        }
    }

    /** Cgroup v2: one directory. */
    record V2(Path dir) implements ContainerCgroup {
        @Override
        public List<Path> directories() {
            return List.of(dir);
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
    }

    /** The cgroup directories, one per hierarchy. */
    List<Path> directories();

    /** Peak memory of the whole sandbox, gVisor's kernel included, in bytes (0 if unknown). */
    long peakMemoryBytes();

    /** How many processes the host's OOM killer has killed in this cgroup. */
    long oomKills();

    /** Kills every member at once where the kernel can ({@code cgroup.kill} on v2); else does nothing. */
    void signalKill() throws IOException;

    /** The pids of every member, over all hierarchies. */
    default Set<Long> members() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path dir : directories()) {
            pids.addAll(CgroupFiles.pids(dir.resolve("cgroup.procs")));
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

    /**
     * SIGKILLs every member until none is left, pausing briefly between rounds.
     *
     * @throws IOException when members are still alive after {@code deadline}
     */
    default void killUntilEmpty(Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        long pauseNanos = 100_000;
        while (true) {
            Set<Long> left = members();
            if (left.isEmpty()) {
                return;
            }
            killAll();
            if (System.nanoTime() - end > 0) {
                throw new IOException("processes " + left + " of cgroup " + directories().getFirst() + " still alive "
                        + deadline + " after SIGKILL");
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
        }
    }

    /** Longest pause between two rounds of {@link #killUntilEmpty}. */
    long MAX_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

    /** Removes the (empty) cgroup directories; the kernel refuses ({@code EBUSY}) while members remain. */
    default void remove() throws IOException {
        for (Path dir : directories()) {
            Files.deleteIfExists(dir);
        }
    }
}
