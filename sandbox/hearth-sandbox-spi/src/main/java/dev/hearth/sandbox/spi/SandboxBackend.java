package dev.hearth.sandbox.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One isolation technology that can launch sandboxes on this host.
 *
 * <p>Threading: every method may be called from many threads at once (the worker launches
 * sandboxes concurrently, one virtual thread each); implementations are thread-safe.
 *
 * <p>Ownership: a backend owns the sandboxes it launched and kills any still running on
 * {@link #close()}.
 */
public interface SandboxBackend extends AutoCloseable {

    /** The name users select it by: {@code process}, {@code namespace}, {@code gvisor}, {@code microvm}. */
    String name();

    /**
     * Checks, without side effects beyond short probes, whether this backend can run here (tools
     * installed, kernel features present). Called once at start-up so that Hearth refuses a
     * backend clearly instead of failing invocations.
     */
    HostSupport probe();

    /** How the worker must offer the Runtime API to this backend's sandboxes. */
    RuntimeApiTransport runtimeApiTransport();

    /**
     * Where the sandbox's files and Runtime API will appear to code running inside it, given the
     * host-side locations. The worker builds the runtime's command line and Lambda's environment
     * variables from this view before calling {@link #launch}.
     *
     * @param taskRoot host directory with the function's extracted code (to appear read-only)
     * @param runtimeRoot host directory with the runtime's bootstrap files (to appear read-only)
     * @param scratchDir host directory private to this sandbox, owned by the worker and deleted by it
     *     after the sandbox exits
     * @param runtimeApi the host-side Runtime API listener opened for this sandbox
     */
    SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi);

    /**
     * The view of a sandbox that will also get {@code optRoot} ({@link SandboxSpec#optRoot()}). The
     * default, for backends with a mount namespace, shows the layers at Lambda's {@code /opt}
     * whatever {@code optRoot} is; a backend without one (process) overrides it to name a host
     * directory.
     */
    default SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi,
            Optional<Path> optRoot) {
        return view(taskRoot, runtimeRoot, scratchDir, runtimeApi);
    }

    /**
     * Starts a sandbox running {@code spec.command()}. Returns once the sandbox's first process has
     * been started; it does not wait for the runtime to initialise.
     *
     * @throws SandboxLaunchException when the sandbox could not be started; nothing is left running
     */
    Sandbox launch(SandboxSpec spec) throws SandboxLaunchException;

    /**
     * The backend's snapshot capability, if it has one (SnapStart). The default has none.
     */
    default Optional<SandboxSnapshots> snapshots() {
        return Optional.empty();
    }

    /** Kills every sandbox this backend launched that is still running, and frees its resources. */
    @Override
    void close();
}
