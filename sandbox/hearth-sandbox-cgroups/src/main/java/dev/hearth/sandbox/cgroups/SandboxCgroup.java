package dev.hearth.sandbox.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The cgroup(s) of one sandbox, made by {@link CgroupHierarchy#create}: the authoritative list of
 * the sandbox's host processes, what to account (peak memory, OOM kills) and what to kill. A value
 * naming directories; it holds no state of its own, so every method may be called from any thread
 * and reads or writes kernel files only.
 */
public sealed interface SandboxCgroup {

    /**
     * Cgroup v1: one directory in each of the memory, cpu and pids hierarchies, and in the freezer
     * hierarchy when the host mounts it.
     */
    record V1(Path memory, Path cpu, Path pids, Optional<Path> freezer) implements SandboxCgroup {
        /** Without a freezer hierarchy: {@link #canFreeze()} is false. */
        public V1(Path memory, Path cpu, Path pids) {
            this(memory, cpu, pids, Optional.empty());
        }

        @Override
        public List<Path> directories() {
            return freezer.map(dir -> List.of(memory, cpu, pids, dir)).orElseGet(() -> List.of(memory, cpu, pids));
        }

        @Override
        public boolean canFreeze() {
            return freezer.isPresent();
        }

        /** {@code FROZEN} to {@code freezer.state}, then waits until it reads {@code FROZEN} (not {@code FREEZING}). */
        @Override
        public void freeze(Duration deadline) throws IOException {
            Path state = freezerDir().resolve("freezer.state");
            CgroupFiles.write(state, "FROZEN");
            CgroupFiles.awaitText(state, "FROZEN", deadline, () -> CgroupFiles.write(state, "FROZEN"));
        }

        @Override
        public void thaw() throws IOException {
            CgroupFiles.write(freezerDir().resolve("freezer.state"), "THAWED");
        }

        @Override
        public boolean frozen() {
            return freezer.isPresent() && CgroupFiles.text(freezer.get().resolve("freezer.state")).equals("FROZEN");
        }

        private Path freezerDir() throws IOException {
            return freezer.orElseThrow(() -> new IOException("no cgroup v1 freezer hierarchy for " + memory));
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

        @Override
        public void applyLimits(CgroupLimits limits) throws IOException {
            String bytes = Long.toString(limits.memoryBytes());
            CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), bytes);
            if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                // no swapping past the limit either
                CgroupFiles.write(memory.resolve("memory.memsw.limit_in_bytes"), bytes);
            }
            CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CgroupLimits.CPU_PERIOD_US));
            if (!limits.cpuAfterInit()) {
                limitCpu(limits.cpuQuotaMicros());
            }
            CgroupFiles.write(pids.resolve("pids.max"), Long.toString(limits.pidsMax()));
        }

        @Override
        public void limitCpu(long quotaMicros) throws IOException {
            CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros));
        }

        /** {@code cpu.cfs_quota_us}; {@code -1} there means no quota. */
        @Override
        public OptionalLong cpuQuotaMicros() {
            long quota = CgroupFiles.number(cpu.resolve("cpu.cfs_quota_us"));
            return quota > 0 ? OptionalLong.of(quota) : OptionalLong.empty();
        }
    }

    /** Cgroup v2: one directory. */
    record V2(Path dir) implements SandboxCgroup {
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

        /** Every non-root v2 cgroup has {@code cgroup.freeze} (kernel 5.2+). */
        @Override
        public boolean canFreeze() {
            return true;
        }

        /** {@code 1} to {@code cgroup.freeze}, then waits until {@code cgroup.events} says {@code frozen 1}. */
        @Override
        public void freeze(Duration deadline) throws IOException {
            CgroupFiles.write(dir.resolve("cgroup.freeze"), "1");
            CgroupFiles.awaitKeyed(dir.resolve("cgroup.events"), "frozen", 1, deadline);
        }

        @Override
        public void thaw() throws IOException {
            CgroupFiles.write(dir.resolve("cgroup.freeze"), "0");
        }

        @Override
        public boolean frozen() {
            return CgroupFiles.keyed(dir.resolve("cgroup.events"), "frozen") == 1;
        }

        @Override
        public void signalKill() throws IOException {
            Path kill = dir.resolve("cgroup.kill");
            if (Files.exists(kill)) {
                CgroupFiles.write(kill, "1");
            }
        }

        @Override
        public void applyLimits(CgroupLimits limits) throws IOException {
            CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            if (Files.exists(dir.resolve("memory.swap.max"))) {
                CgroupFiles.write(dir.resolve("memory.swap.max"), "0");
            }
            if (!limits.cpuAfterInit()) {
                limitCpu(limits.cpuQuotaMicros());
            }
            CgroupFiles.write(dir.resolve("pids.max"), Long.toString(limits.pidsMax()));
        }

        @Override
        public void limitCpu(long quotaMicros) throws IOException {
            CgroupFiles.write(dir.resolve("cpu.max"), quotaMicros + " " + CgroupLimits.CPU_PERIOD_US);
        }

        /** The first field of {@code cpu.max}; {@code max} there means no quota. */
        @Override
        public OptionalLong cpuQuotaMicros() {
            String[] fields = CgroupFiles.text(dir.resolve("cpu.max")).split(" ");
            return fields[0].isEmpty() || fields[0].equals("max")
                    ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[0]));
        }
    }

    /** Longest pause between two rounds of {@link #killUntilEmpty} or {@link #removeWithin}. */
    Duration MAX_PAUSE = Duration.ofMillis(20);

    /** The cgroup directories, one per hierarchy. */
    List<Path> directories();

    /** Peak memory of the whole sandbox in bytes (0 if unknown). */
    long peakMemoryBytes();

    /** How many processes the kernel's OOM killer has killed in this cgroup. */
    long oomKills();

    /** Whether {@link #freeze} can work here (v2; v1 only with a freezer hierarchy). */
    boolean canFreeze();

    /**
     * Freezes every member (they stop being scheduled; their memory stays) and waits until the
     * kernel reports the whole cgroup frozen. Idempotent. Blocks the calling thread.
     *
     * @throws IOException when the kernel refuses, the cgroup is gone, it has no freezer, or it is
     *     not frozen within {@code deadline} (it may be left freezing: {@link #thaw()} undoes that)
     */
    void freeze(Duration deadline) throws IOException;

    /** Lets the members run again; returns once the kernel has the request (thawing is immediate). Idempotent. */
    void thaw() throws IOException;

    /** Whether the kernel reports the cgroup frozen now (false when it has no freezer or is gone). */
    boolean frozen();

    /** Kills every member at once where the kernel can ({@code cgroup.kill} on v2); else does nothing. */
    void signalKill() throws IOException;

    /**
     * Sets the CPU quota to {@code quotaMicros} per {@link CgroupLimits#CPU_PERIOD_US}. Idempotent.
     *
     * @throws IOException when the kernel refuses, or the cgroup no longer exists
     *     ({@link java.nio.file.NoSuchFileException} as the cause)
     */
    void limitCpu(long quotaMicros) throws IOException;

    /** The CPU quota per {@link CgroupLimits#CPU_PERIOD_US} now in force; empty when the CPU is not limited. */
    OptionalLong cpuQuotaMicros();

    /**
     * Writes {@code limits} into this (existing) cgroup: memory with no swap beyond it, pids, and
     * the CPU quota unless {@link CgroupLimits#cpuAfterInit()} (then the CPU is left as it is).
     * Also for a cgroup that already has members, as long as they use less memory than the limit.
     */
    void applyLimits(CgroupLimits limits) throws IOException;

    /** The {@code cgroup.procs} files, one per hierarchy: a launching process writes its pid to each to join. */
    default List<Path> procsFiles() {
        return directories().stream().map(dir -> dir.resolve("cgroup.procs")).toList();
    }

    /** The pids of every member, over all hierarchies. */
    default Set<Long> members() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path procs : procsFiles()) {
            pids.addAll(CgroupFiles.pids(procs));
        }
        return pids;
    }

    /**
     * Sends SIGKILL to every member now ({@link #signalKill()} first, then each listed pid), then
     * thaws the cgroup if it can freeze: on v1 a frozen process acts on SIGKILL only once thawed,
     * and thawing after the signal lets it run no code of its own.
     */
    default void killAll() throws IOException {
        signalKill();
        for (long pid : members()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (canFreeze() && Files.isDirectory(directories().getLast())) {
            try {
                thaw();
            } catch (IOException e) {
                if (Files.isDirectory(directories().getLast())) {
                    throw e;
                } // removed meanwhile: nothing left to thaw
            }
        }
    }

    /**
     * SIGKILLs every member until none is left, pausing briefly between rounds. Blocks the calling
     * thread (use a virtual thread).
     *
     * @throws IOException naming the survivors when members are still alive after {@code deadline}
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
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE.toNanos());
        }
    }

    /** Removes the (empty) cgroup directories; the kernel refuses ({@code EBUSY}) while members remain. Idempotent. */
    default void remove() throws IOException {
        for (Path dir : directories()) {
            Files.deleteIfExists(dir);
        }
    }

    /**
     * {@link #remove()}, retried while the kernel still refuses: right after its last member died, a
     * cgroup can be busy for a moment while the kernel reaps it. Blocks the calling thread.
     *
     * @throws IOException the last refusal, when the cgroup could not be removed within {@code deadline}
     */
    default void removeWithin(Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        long pauseNanos = 100_000;
        while (true) {
            try {
                remove();
                return;
            } catch (IOException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE.toNanos());
        }
    }
}
