package dev.hearth.sandbox.gvisor;

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
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox of the {@code gvisor} backend: a {@code runsc run} child process and the gVisor
 * kernel it started (Gofer, Sentry and its ptrace stubs), all in one cgroup made by the backend.
 *
 * <p>Killing: {@link #kill()} SIGKILLs every host process in the cgroup (with them go all the
 * sandbox's processes, which exist only inside the Sentry) and the {@code runsc run} process
 * itself, which covers the moment before runsc has moved its children into the cgroup. It does not
 * use {@code runsc kill}, which fails until the container exists and costs a process start.
 *
 * <p>Ending: when {@code runsc run} exits (the container's first process ended, or was killed), a
 * virtual thread kills whatever is left in the cgroup, waits until it is empty, removes runsc's
 * state with {@code runsc delete --force} if runsc did not (it was killed), reads the peak memory
 * and the OOM count, removes the cgroup, and only then completes {@link #exit()}.
 *
 * <p>CPU: with {@link CgroupLimits#cpuAfterInit()} the cgroup starts without a CPU quota (gVisor's
 * kernel and the runtime start at the host's speed) and {@link #initialised()} writes it. Thread-safe.
 */
final class GvisorSandbox implements Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(GvisorSandbox.class);
    /** How long leftover processes get to die after SIGKILL before the exit is reported anyway. */
    private static final Duration LEFTOVER_DEADLINE = Duration.ofSeconds(10);
    /** How long the kernel gets to report the cgroup frozen. */

    private final String id;
    private final String containerId;
    private final Process runscRun;
    private final SandboxCgroup cgroup;
    private final CgroupLimits limits;
    private final RunscCommand runsc;
    private final Duration commandTimeout;
    private final Consumer<GvisorSandbox> onEnded;
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final AtomicLong peakMemoryBytes = new AtomicLong();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private volatile boolean killedByCaller;
    private final CgroupFreezer freezer;

    private GvisorSandbox(String id, String containerId, Process runscRun, SandboxCgroup cgroup, CgroupLimits limits,
            RunscCommand runsc, Duration commandTimeout, Consumer<GvisorSandbox> onEnded) {
        this.id = id;
        this.containerId = containerId;
        this.runscRun = runscRun;
        this.cgroup = cgroup;
        this.limits = limits;
        this.runsc = runsc;
        this.commandTimeout = commandTimeout;
        this.onEnded = onEnded;
        this.freezer = new CgroupFreezer(cgroup, id, terminating::get, () -> !runscRun.isAlive() || exit.isDone());
    }

    /**
     * Takes ownership of a started {@code runsc run} process and of the sandbox's cgroup, created
     * with {@code limits}; {@code onEnded} runs once, after {@link #exit()} completed.
     */
    static GvisorSandbox adopt(String id, String containerId, Process runscRun, SandboxCgroup cgroup,
            CgroupLimits limits, RunscCommand runsc, Duration commandTimeout, Consumer<GvisorSandbox> onEnded) {
        GvisorSandbox sandbox = new GvisorSandbox(id, containerId, runscRun, cgroup, limits, runsc, commandTimeout,
                onEnded);
        runscRun.onExit().whenComplete((ended, failure) ->
                HearthThreads.startVirtual("gvisor-exit-" + id, sandbox::finish));
        return sandbox;
    }

    @Override
    public String id() {
        return id;
    }

    /** The runsc container id: the sandbox id plus a random suffix, unique in the backend's runsc root. */
    String containerId() {
        return containerId;
    }

    /** The sandbox's cgroup (removed once the sandbox has ended). */
    SandboxCgroup cgroup() {
        return cgroup;
    }

    @Override
    public InputStream output() {
        return runscRun.getInputStream();
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    /** The cgroup's peak memory: the function's processes, its {@code /tmp} files and gVisor's kernel. */
    @Override
    public SandboxUsage usage() {
        return new SandboxUsage(peakMemoryBytes.accumulateAndGet(cgroup.peakMemoryBytes(), Math::max));
    }

    /**
     * Writes the CPU quota the cgroup was created without ({@link CgroupLimits#cpuAfterInit()});
     * does nothing otherwise. Idempotent; a sandbox that has ended (or is being killed) is left alone.
     *
     * @throws UncheckedIOException when the kernel refuses the quota of a running sandbox
     */
    @Override
    public void initialised() {
        if (!limits.cpuAfterInit() || terminating.get() || exit.isDone()) {
            return;
        }
        try {
            cgroup.limitCpu(limits.cpuQuotaMicros());
        } catch (IOException e) {
            if (terminating.get() || !runscRun.isAlive() || exit.isDone()) {
                return; // ended meanwhile: its cgroup is being emptied or already removed
            }
            throw new UncheckedIOException("sandbox " + id + ": cannot apply its CPU limit after Init", e);
        }
    }

    @Override
    public boolean canFreeze() {
        return freezer.canFreeze();
    }

    /**
     * Freezes the cgroup, which holds gVisor's whole kernel (Sentry, Gofer, ptrace stubs): the
     * sandbox's processes, which exist only inside the Sentry, stop with it. Measured faster than
     * {@code runsc pause} (a process start and a control-socket round trip; see docs/benchmarks.md).
     */
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
        if (terminating.compareAndSet(false, true)) {
            killedByCaller = runscRun.isAlive();
            killEverything();
        }
    }

    private void killEverything() {
        try {
            cgroup.killAll();
        } catch (IOException | RuntimeException e) {
            LOG.error("sandbox {}: cannot signal its cgroup; killing runsc run only", id, e);
        }
        // through the handle: Process.destroyForcibly() would also close output(), losing its unread tail
        runscRun.toHandle().destroyForcibly();
    }

    /** Runs once {@code runsc run} has exited: ends the rest, cleans up, then reports the exit. */
    private void finish() {
        int status = runscRun.exitValue();
        boolean outOfMemory = false;
        try {
            cgroup.killUntilEmpty(LEFTOVER_DEADLINE);
            if (Files.exists(runsc.stateFile(containerId))) {
                RunscCommand.Outcome deleted = RunscCommand.execute(runsc.delete(containerId), commandTimeout);
                if (deleted.status() != 0) {
                    LOG.error("sandbox {}: runsc delete {} failed ({}): {}",
                            id, containerId, deleted.status(), deleted.output().strip());
                }
            }
            // everything of the container has ended: a lock file runsc left (killed early) is only litter
            Files.deleteIfExists(runsc.lockFile(containerId));
            peakMemoryBytes.accumulateAndGet(cgroup.peakMemoryBytes(), Math::max);
            outOfMemory = !killedByCaller && cgroup.oomKills() > 0;
            cgroup.removeWithin(LEFTOVER_DEADLINE);
        } catch (IOException | RuntimeException e) {
            LOG.error("sandbox {}: cleaning up container {} failed; reporting its exit anyway", id, containerId, e);
        } finally {
            exit.complete(new SandboxExit(status, outOfMemory, killedByCaller));
            onEnded.accept(this);
        }
    }
}
