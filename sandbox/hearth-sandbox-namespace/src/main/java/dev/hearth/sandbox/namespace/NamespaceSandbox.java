package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.cgroups.CgroupFreezer;
import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxUsage;
import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox of the {@code namespace} backend: the outer bubblewrap process that Hearth started
 * (which stays outside the sandbox's pid namespace and waits for it), and its cgroup.
 *
 * <p>Ending: bubblewrap's init is pid 1 of the sandbox's pid namespace and dies with the outer
 * process ({@code --die-with-parent}); when it dies, the kernel kills every process of the
 * namespace. {@link #kill()} SIGKILLs the outer process and every cgroup member. When the outer
 * process has exited (for whatever reason), a virtual thread SIGKILLs whatever is still in the
 * cgroup, waits until it is empty, reads the peak memory and OOM count, completes {@link #exit()},
 * then removes the cgroup and completes {@link #released()}.
 *
 * <p>Freezing ({@link #freeze()}): the cgroup's freezer ({@code freezer.state} on v1,
 * {@code cgroup.freeze} on v2); {@link SandboxCgroup#killAll()} thaws after signalling, so a frozen
 * sandbox dies at {@link #kill()}.
 *
 * <p>CPU: with {@link CgroupLimits#cpuAfterInit()} the cgroup starts without a CPU quota and
 * {@link #initialised()} writes it. Thread-safe.
 */
final class NamespaceSandbox implements Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceSandbox.class);
    /** How long cgroup members get to die after SIGKILL before the exit is reported anyway. */
    private static final Duration LEFTOVER_DEADLINE = Duration.ofSeconds(10);
    /** How long the kernel gets to report the cgroup frozen. */

    private final String id;
    private final Process process;
    private final SandboxCgroup cgroup;
    private final CgroupLimits limits;
    private final Consumer<NamespaceSandbox> onEnded;
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    /** Completes at {@link #initialised()} or when the sandbox has ended, whichever is first. */
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final AtomicLong peakMemoryBytes = new AtomicLong();
    private final AtomicBoolean killing = new AtomicBoolean();
    private volatile boolean killedByCaller;
    private final CgroupFreezer freezer;

    private NamespaceSandbox(String id, Process process, SandboxCgroup cgroup, CgroupLimits limits,
            Consumer<NamespaceSandbox> onEnded) {
        this.id = id;
        this.process = process;
        this.cgroup = cgroup;
        this.limits = limits;
        this.onEnded = onEnded;
        this.freezer = new CgroupFreezer(cgroup, id, killing::get, () -> !process.isAlive() || exit.isDone());
    }

    /**
     * Takes ownership of a started launch process and of its cgroup, created with {@code limits};
     * {@code onEnded} runs once, after {@link #released()}.
     */
    static NamespaceSandbox adopt(String id, Process process, SandboxCgroup cgroup, CgroupLimits limits,
            Consumer<NamespaceSandbox> onEnded) {
        NamespaceSandbox sandbox = new NamespaceSandbox(id, process, cgroup, limits, onEnded);
        process.onExit().whenComplete((ended, failure) ->
                HearthThreads.startVirtual("namespace-exit-" + id, sandbox::finish));
        return sandbox;
    }

    @Override
    public String id() {
        return id;
    }

    /** The host pid of the outer bubblewrap process. */
    long pid() {
        return process.pid();
    }

    /** The sandbox's cgroup (for tests and diagnostics). */
    SandboxCgroup cgroup() {
        return cgroup;
    }

    @Override
    public InputStream output() {
        return process.getInputStream();
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    /** Completes after {@link #exit()}, once the cgroup has been removed (or its removal failed and was logged). */
    CompletableFuture<Void> released() {
        return released;
    }

    /** The cgroup's peak memory (read now while the sandbox runs; the last value read after it ended). */
    @Override
    public SandboxUsage usage() {
        if (!exit.isDone()) {
            recordPeak();
        }
        return new SandboxUsage(peakMemoryBytes.get());
    }

    /**
     * Completes once the runtime has finished Init ({@link #initialised()}) or the sandbox has ended:
     * from then on, background work no longer competes with this sandbox's start.
     */
    CompletableFuture<Void> settled() {
        return settled;
    }

    /**
     * Writes the CPU quota the cgroup was created without ({@link CgroupLimits#cpuAfterInit()});
     * does nothing otherwise. Idempotent; a sandbox that has ended (or is being killed) is left alone.
     *
     * @throws UncheckedIOException when the kernel refuses the quota of a running sandbox
     */
    @Override
    public void initialised() {
        settled.complete(null);
        if (!limits.cpuAfterInit() || killing.get() || exit.isDone()) {
            return;
        }
        try {
            cgroup.limitCpu(limits.cpuQuotaMicros());
        } catch (IOException e) {
            if (killing.get() || !process.isAlive() || exit.isDone()) {
                return; // ended meanwhile: its cgroup is being emptied or already removed
            }
            throw new UncheckedIOException("sandbox " + id + ": cannot apply its CPU limit after Init", e);
        }
    }

    @Override
    public boolean canFreeze() {
        return freezer.canFreeze();
    }

    @Override
    public void freeze() {
        freezer.freeze();
    }

    @Override
    public void thaw() {
        freezer.thaw();
    }

    @Override
    public void kill() {
        if (killing.compareAndSet(false, true)) {
            killedByCaller = process.isAlive();
            // a signal only: Process.destroyForcibly() would also close output(), losing what the sandbox wrote last
            process.toHandle().destroyForcibly();
            if (!exit.isDone()) {
                killMembers();
            }
        }
    }

    private void recordPeak() {
        try {
            peakMemoryBytes.accumulateAndGet(cgroup.peakMemoryBytes(), Math::max);
        } catch (RuntimeException e) {
            // the cgroup is removed concurrently by finish(), which has recorded the final peak
            if (!exit.isDone()) {
                throw e;
            }
        }
    }

    private void killMembers() {
        try {
            cgroup.killAll();
        } catch (IOException | RuntimeException e) {
            LOG.error("sandbox {}: cannot kill the members of its cgroup {}", id, cgroup, e);
        }
    }

    /**
     * Runs once the outer process has exited: empties the cgroup, reads its peak and OOM count,
     * reports the exit, and only then removes the cgroup (removing a v1 memory cgroup takes
     * milliseconds to tens of milliseconds, which the worker need not wait for).
     */
    private void finish() {
        int status = process.exitValue();
        boolean outOfMemory = false;
        try {
            try {
                cgroup.killUntilEmpty(LEFTOVER_DEADLINE);
            } catch (IOException e) {
                LOG.error("sandbox {}: reporting its exit anyway", id, e);
            }
            recordPeak();
            outOfMemory = cgroup.oomKills() > 0;
        } catch (RuntimeException e) {
            LOG.error("sandbox {}: cannot empty or read its cgroup {}; reporting its exit anyway", id, cgroup, e);
        }
        exit.complete(new SandboxExit(status, outOfMemory, killedByCaller));
        settled.complete(null);
        try {
            cgroup.removeWithin(LEFTOVER_DEADLINE);
        } catch (IOException | RuntimeException e) {
            LOG.error("sandbox {}: cannot remove its cgroup {}", id, cgroup, e);
        } finally {
            released.complete(null);
            onEnded.accept(this);
        }
    }
}
