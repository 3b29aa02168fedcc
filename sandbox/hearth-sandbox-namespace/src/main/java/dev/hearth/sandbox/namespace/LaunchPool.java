package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.cgroups.CgroupHierarchy;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.threads.HearthThreads;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launch processes started ahead of need, so that a launch does not wait for the slowest part of
 * joining a cgroup. On cgroup v1 (and v2 without {@code favordynmods}) moving a process into a
 * cgroup waits for an RCU grace period, 6–9 ms on the development machines, unless another move
 * happened just before; a pooled process has paid that already.
 *
 * <p>Each pooled process has joined a cgroup of its own, created without limits and named
 * {@code _pool-<hearth pid>-<n>} (sandbox ids cannot contain {@code _}), through
 * {@link BwrapCommand#launchProcess}, with the backend's seccomp program open on fd 3, and then waits,
 * as Hearth's user with {@link BwrapCommand#HOST_ENVIRONMENT} only, in {@link LaunchProgram} for
 * its request: the rest of a launch ({@link BwrapCommand#sandbox}). The backend takes one
 * ({@link #take()}), writes the sandbox's limits into its cgroup, and sends it
 * {@link LaunchProgram#request}, followed by what the sandbox reads from stdin. A pooled process whose Hearth has
 * died reads EOF and exits.
 *
 * <p>{@link #take()} never waits: when the pool is empty, the caller launches directly. The pool
 * refills itself on virtual threads after every take. If starting a pooled process fails, the
 * failure is logged once and the pool stays empty (launches go the direct way). Thread-safe.
 */
final class LaunchPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchPool.class);
    private static final Duration DISCARD_WAIT = Duration.ofSeconds(10);
    /** Pool cgroups are named {@code _pool-<hearth pid>-<n>}; sandbox ids cannot start with {@code _}. */
    private static final String PREFIX = "_pool-";

    /** One waiting launch process and the cgroup it has joined. */
    record Pooled(Process process, SandboxCgroup cgroup) {}

    private final CgroupHierarchy cgroups;
    private final BackendFiles files;
    private final Path perl;
    private final int size;
    private final ConcurrentLinkedQueue<Pooled> ready = new ConcurrentLinkedQueue<>();
    /** Numbers pool cgroups uniquely in this JVM, over all backends. */
    private static final AtomicLong NAMES = new AtomicLong();
    private int starting;
    private boolean failed;
    private boolean closed;

    /**
     * A pool of up to {@code size} processes (0: none), filled from now on.
     *
     * @param perl the host's perl, which waits for the request
     */
    LaunchPool(CgroupHierarchy cgroups, BackendFiles files, Path perl, int size) {
        this.cgroups = cgroups;
        this.files = files;
        this.perl = perl;
        this.size = size;
        fill();
    }

    /**
     * Removes the pool (and {@link StemCells}) cgroups a Hearth that died left behind under
     * {@code cgroups} (their processes ended when they read EOF); those still in use (by another
     * running backend) are left alone.
     */
    static void removeLeftovers(CgroupHierarchy cgroups) throws IOException {
        String self = ProcessHandle.current().pid() + "-";
        for (String name : cgroups.children()) {
            boolean pooled = name.startsWith(PREFIX) && !name.startsWith(PREFIX + self);
            boolean cell = name.startsWith(StemCells.PREFIX) && !name.startsWith(StemCells.PREFIX + self);
            if (pooled || cell) {
                SandboxCgroup leftover = cgroups.sandbox(name);
                if (leftover.members().isEmpty()) {
                    try {
                        leftover.remove();
                    } catch (IOException busy) {
                        LOG.debug("pool cgroup {} is in use again; left in place", name);
                    }
                }
            }
        }
    }

    /** A waiting process, alive when handed out; empty when none is ready. Never blocks on the kernel. */
    Optional<Pooled> take() {
        try {
            for (Pooled pooled = ready.poll(); pooled != null; pooled = ready.poll()) {
                if (pooled.process().isAlive()) {
                    return Optional.of(pooled);
                }
                discardLater(pooled);
            }
            return Optional.empty();
        } finally {
            fill();
        }
    }

    /** How many processes are waiting now (for tests and diagnostics). */
    int waiting() {
        return ready.size();
    }

    /** Kills the waiting processes and removes their cgroups; waits (up to 10 s each) for that. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (Pooled pooled = ready.poll(); pooled != null; pooled = ready.poll()) {
            discard(pooled);
        }
    }

    /** Kills a pooled process that will not be used and removes its cgroup, on a virtual thread. */
    void discardLater(Pooled pooled) {
        HearthThreads.startVirtual("namespace-pool-discard", () -> discard(pooled));
    }

    private synchronized void fill() {
        while (!closed && !failed && ready.size() + starting < size) {
            starting++;
            HearthThreads.startVirtual("namespace-pool-fill", this::startOne);
        }
    }

    private void startOne() {
        SandboxCgroup cgroup = null;
        try {
            cgroup = cgroups.createUnlimited(PREFIX + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
            ProcessBuilder builder = new ProcessBuilder(BwrapCommand.launchProcess(perl, files, cgroup)).directory(new File("/")).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(BwrapCommand.HOST_ENVIRONMENT);
            Pooled pooled = new Pooled(builder.start(), cgroup);
            boolean keep;
            synchronized (this) {
                starting--;
                keep = !closed;
                if (keep) {
                    ready.add(pooled);
                }
            }
            if (!keep) {
                discard(pooled);
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                starting--;
                failed = true;
            }
            LOG.warn("namespace backend: cannot start a pooled launch process; launching without the pool", e);
            if (cgroup != null) {
                try {
                    cgroup.remove();
                } catch (IOException removal) {
                    LOG.error("cannot remove the pool cgroup {}", cgroup, removal);
                }
            }
        }
    }

    private static void discard(Pooled pooled) {
        pooled.process().toHandle().destroyForcibly();
        try {
            pooled.process().getOutputStream().close();
            pooled.cgroup().killUntilEmpty(DISCARD_WAIT);
            pooled.cgroup().removeWithin(DISCARD_WAIT);
        } catch (IOException e) {
            LOG.error("cannot end the pooled launch process in {}", pooled.cgroup(), e);
        }
    }
}
