package dev.hearth.sandbox.spi;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A running sandbox: one isolated execution environment that hosts exactly one runtime process tree
 * for one function version.
 *
 * <p>Threading: all methods are thread-safe. {@link #output()} must be read by exactly one reader
 * (the worker's log pump); an unread output may block the sandbox once its pipe fills.
 */
public interface Sandbox {

    /** The id given in {@link SandboxSpec#sandboxId()}. */
    String id();

    /**
     * The combined stdout and stderr of everything running in the sandbox, as bytes in the order the
     * backend received them. Ends (EOF) when the sandbox has exited.
     */
    InputStream output();

    /**
     * Completes once every process in the sandbox has exited (on its own, or by {@link #kill()}),
     * with how it ended. Never completes exceptionally.
     */
    CompletableFuture<SandboxExit> exit();

    /** Resource use so far (peak memory of the whole sandbox); cheap enough to call per invocation. */
    SandboxUsage usage();

    /**
     * The runtime has finished its Init phase (its first {@code /next} reached the worker). A backend
     * that lets Init run with more CPU than {@link ResourceLimits#vcpus()} (see
     * {@link ResourceLimits#unthrottledInit()}) applies the steady-state CPU limit now. Called at most
     * once per sandbox by the worker, from any thread; must not block on the sandbox's processes and
     * must not throw for a sandbox that has already exited. The default does nothing.
     */
    default void initialised() {}

    /**
     * Whether {@link #freeze()} stops this sandbox's processes. The worker freezes only sandboxes
     * that can be frozen. The default is false.
     */
    default boolean canFreeze() {
        return false;
    }

    /**
     * Stops every process of the sandbox (Lambda freezes an execution environment between
     * invocations): nothing in it runs, not even what a handler left behind, until {@link #thaw()}.
     * Its memory, files and connections stay. Returns once the sandbox is frozen. Called by the
     * worker only while the sandbox is idle (its runtime waits in {@code /next}), never at the same
     * time as {@link #thaw()} on the same sandbox. {@link #kill()} works on a frozen sandbox. The
     * default, for sandboxes that cannot freeze, does nothing.
     *
     * @throws java.io.UncheckedIOException when the sandbox could not be frozen (it may be partly
     *     frozen: {@link #thaw()} undoes that); not for a sandbox that has ended
     */
    default void freeze() {}

    /**
     * Lets a frozen sandbox run again; returns once its processes can run. Idempotent, cheap on a
     * sandbox that is not frozen; does nothing for a sandbox that has ended. The default does
     * nothing.
     *
     * @throws java.io.UncheckedIOException when the sandbox could not be thawed
     */
    default void thaw() {}

    /**
     * Kills every process in the sandbox at once and releases its resources (cgroups, mounts,
     * VMM). Idempotent; returns without waiting for {@link #exit()}.
     */
    void kill();
}
