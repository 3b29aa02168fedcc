package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxUsage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One sandbox of the {@code namespace} backend: the outer bubblewrap process that Hearth started
 * (which stays outside the sandbox's pid namespace and waits for it), and its cgroup.
 *
 * <p>Ending: bubblewrap's init is pid 1 of the sandbox's pid namespace and dies with the outer
 * process ({@code --die-with-parent}); when it dies, the kernel kills every process of the
 * namespace. {@link #kill()} SIGKILLs the outer process and every cgroup member. When the outer
 * process has exited (for whatever reason), a virtual thread SIGKILLs whatever is still in the
 * cgroup, waits until it is empty, reads the peak memory and OOM count, completes {@link #exit()},
 * then removes the cgroup and completes {@link #released()}. Thread-safe.
 */
final class NamespaceSandbox implements Sandbox {

    private static final System.Logger LOG = System.getLogger(NamespaceSandbox.class.getName());
    /** How long cgroup members get to die after SIGKILL before the exit is reported anyway. */
    private static final Duration LEFTOVER_DEADLINE = Duration.ofSeconds(10);
    private static final long MAX_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

    private final String id;
    private final Process process;
    private final SandboxCgroup cgroup;
    private final Consumer<NamespaceSandbox> onEnded;
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private final AtomicLong peakMemoryBytes = new AtomicLong();
    private final AtomicBoolean killing = new AtomicBoolean();
    private volatile boolean killedByCaller;

    private NamespaceSandbox(String id, Process process, SandboxCgroup cgroup, Consumer<NamespaceSandbox> onEnded) {
        this.id = id;
        this.process = process;
        this.cgroup = cgroup;
        this.onEnded = onEnded;
    }

    /** Takes ownership of a started launch process and its cgroup; {@code onEnded} runs once, after {@link #released()}. */
    static NamespaceSandbox adopt(String id, Process process, SandboxCgroup cgroup, Consumer<NamespaceSandbox> onEnded) {
        NamespaceSandbox sandbox = new NamespaceSandbox(id, process, cgroup, onEnded);
        process.onExit().whenComplete((ended, failure) ->
                Thread.ofVirtual().name("hearth-namespace-exit-" + id).start(sandbox::finish));
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
            LOG.log(Level.ERROR, "sandbox " + id + ": cannot kill the members of its cgroup " + cgroup, e);
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
            endLeftovers();
            recordPeak();
            outOfMemory = cgroup.oomKills() > 0;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "sandbox " + id + ": cannot empty or read its cgroup " + cgroup + "; reporting its exit anyway", e);
        }
        exit.complete(new SandboxExit(status, outOfMemory, killedByCaller));
        try {
            cgroup.remove();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "sandbox " + id + ": cannot remove its cgroup " + cgroup, e);
        } finally {
            released.complete(null);
            onEnded.accept(this);
        }
    }

    private void endLeftovers() {
        long deadline = System.nanoTime() + LEFTOVER_DEADLINE.toNanos();
        long pauseNanos = 100_000;
        while (true) {
            Set<Long> left = cgroup.members();
            if (left.isEmpty()) {
                return;
            }
            killMembers();
            if (System.nanoTime() - deadline > 0) {
                LOG.log(Level.ERROR, "sandbox {0}: processes {1} still in its cgroup {2} after SIGKILL; reporting its exit anyway",
                        id, left, LEFTOVER_DEADLINE);
                return;
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
        }
    }
}
