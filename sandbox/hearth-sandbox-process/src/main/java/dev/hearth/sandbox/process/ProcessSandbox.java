package dev.hearth.sandbox.process;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxUsage;
import dev.hearth.threads.HearthThreads;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox of the {@code process} backend: a child process that leads its own session, and
 * everything it starts.
 *
 * <p>Ending: when the first process exits (on its own, by {@link #kill()}, or by the watchdog), a
 * virtual thread kills whatever is left of its session and descendants, waits until none of it is
 * alive, and only then completes {@link #exit()}. Thread-safe.
 */
final class ProcessSandbox implements Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandbox.class);
    /** How long leftover processes get to die after SIGKILL before the exit is reported anyway. */
    private static final Duration LEFTOVER_DEADLINE = Duration.ofSeconds(10);
    private static final long MAX_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

    private final String id;
    private final Process process;
    private final ResourceLimits limits;
    private final Consumer<ProcessSandbox> onEnded;
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final AtomicLong peakMemoryBytes = new AtomicLong();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private volatile boolean killedByCaller;
    private volatile boolean outOfMemory;

    private ProcessSandbox(String id, Process process, ResourceLimits limits, Consumer<ProcessSandbox> onEnded) {
        this.id = id;
        this.process = process;
        this.limits = limits;
        this.onEnded = onEnded;
    }

    /**
     * Takes ownership of a started process; {@code onEnded} runs once, after {@link #exit()} completed.
     */
    static ProcessSandbox adopt(String id, Process process, ResourceLimits limits, Consumer<ProcessSandbox> onEnded) {
        ProcessSandbox sandbox = new ProcessSandbox(id, process, limits, onEnded);
        process.onExit().whenComplete((ended, failure) ->
                HearthThreads.startVirtual("process-exit-" + id, sandbox::finish));
        return sandbox;
    }

    @Override
    public String id() {
        return id;
    }

    /** The pid of the sandbox's first process, which is also its session and process group id. */
    long pid() {
        return process.pid();
    }

    @Override
    public InputStream output() {
        return process.getInputStream();
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    /**
     * The larger of the watchdog's peak (whole tree, sampled) and the first process's own peak
     * ({@code VmHWM}, exact, read now), so a single-process runtime's peak is never missed between samples.
     */
    @Override
    public SandboxUsage usage() {
        long leaderPeak = process.isAlive() ? ProcTable.peakRssBytes(process.pid()) : 0;
        return new SandboxUsage(peakMemoryBytes.accumulateAndGet(leaderPeak, Math::max));
    }

    @Override
    public void kill() {
        if (terminating.compareAndSet(false, true)) {
            killedByCaller = process.isAlive();
            killTree();
        }
    }

    /**
     * Records the tree's current resident memory and kills the sandbox when it is over its memory
     * or process limit. Called by the watchdog with a fresh process table.
     */
    void sample(ProcTable table) {
        if (exit.isDone()) {
            return;
        }
        long rssBytes = 0;
        int threads = 0;
        for (ProcTable.Entry member : table.liveMembers(process.pid())) {
            rssBytes += member.rssBytes();
            threads += member.threads();
        }
        peakMemoryBytes.accumulateAndGet(rssBytes, Math::max);
        if (rssBytes > (long) limits.memoryMb() * 1024 * 1024) {
            if (terminating.compareAndSet(false, true)) {
                outOfMemory = true;
                LOG.info("sandbox {} uses {} bytes, over its {} MB limit: killing it",
                        id, rssBytes, limits.memoryMb());
                killTree();
            }
        } else if (threads > limits.maxProcesses()) {
            if (terminating.compareAndSet(false, true)) {
                LOG.info("sandbox {} runs {} threads, over its limit of {}: killing it",
                        id, threads, limits.maxProcesses());
                killTree();
            }
        }
    }

    /** SIGKILL to every live member found now, first process included; stragglers are left to {@link #finish}. */
    private void killTree() {
        List<ProcTable.Entry> members = ProcTable.read().liveMembers(process.pid());
        // through the handle: Process.destroyForcibly would also close our end of the output pipe,
        // losing what the log pump has not read yet
        process.toHandle().destroyForcibly();
        for (ProcTable.Entry member : members) {
            ProcessHandle.of(member.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Runs once the first process has exited: ends the rest of the tree, then reports the exit. */
    private void finish() {
        int status = process.exitValue();
        try {
            endLeftovers();
        } catch (RuntimeException e) {
            LOG.error("sandbox {}: cannot check for leftover processes; reporting its exit anyway", id, e);
        } finally {
            exit.complete(new SandboxExit(status, outOfMemory, killedByCaller));
            onEnded.accept(this);
        }
    }

    private void endLeftovers() {
        long deadline = System.nanoTime() + LEFTOVER_DEADLINE.toNanos();
        long pauseNanos = 100_000;
        while (true) {
            List<ProcTable.Entry> left = ProcTable.read().liveMembers(process.pid());
            if (left.isEmpty()) {
                return;
            }
            for (ProcTable.Entry member : left) {
                ProcessHandle.of(member.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.error("sandbox {}: processes {} still alive {} after SIGKILL; reporting its exit anyway",
                        id, left.stream().map(ProcTable.Entry::pid).toList(), LEFTOVER_DEADLINE);
                return;
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
        }
    }
}
