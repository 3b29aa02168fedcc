package dev.hearth.worker;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.runtimes.ExtensionsLauncher;
import dev.hearth.runtimes.RuntimeLaunch;
import dev.hearth.sandbox.spi.SandboxView;
import dev.hearth.threads.HearthThreads;
import dev.hearth.worker.runtimeapi.RuntimeApiListener;
import dev.hearth.worker.runtimeapi.RuntimeApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches the sandbox of a new execution environment: scratch directory, Runtime API listener,
 * the merged layers at {@code /opt} (held until the sandbox exits), Lambda's variables, the runtime's command line, the backend's launch, the log reader and the exit
 * watcher. On failure nothing is left behind and the caller gets a {@code ServiceException}.
 */
final class EnvironmentStarter {
    /** A log pump only reads and splits lines: a small stack keeps one per sandbox cheap. */
    private static final long PUMP_STACK_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentStarter.class);

    /** How the sandbox comes to life: the backend's launch, a launch for a snapshot, or a restore. */
    @FunctionalInterface
    interface SandboxLauncher {
        Sandbox launch(SandboxSpec spec) throws SandboxLaunchException;
    }

    static final String SOCKET_NAME = "runtime-api.sock";

    private final SandboxBackend backend;
    private final RuntimeCatalog runtimes;
    private final RuntimeApiServer api;
    private final WorkerConfig config;
    private final Executor background;
    private final OptTrees optTrees;

    EnvironmentStarter(SandboxBackend backend, RuntimeCatalog runtimes, RuntimeApiServer api, WorkerConfig config,
            Executor background, OptTrees optTrees) {
        this.optTrees = optTrees;
        this.backend = backend;
        this.runtimes = runtimes;
        this.api = api;
        this.config = config;
        this.background = background;
    }

    /**
     * The file names of the external extensions in the layers at {@code optRoot} (a host directory):
     * the executable regular files of its {@code extensions} directory, in name order.
     */
    static List<String> externalExtensions(Path optRoot) {
        Path directory = optRoot.resolve(ExtensionsLauncher.EXTENSIONS_DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (var entries = Files.list(directory)) {
            return entries.filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the extensions in " + directory, e);
        }
    }

    /** Launches {@code env}'s sandbox with the backend's plain launch. */
    void start(ExecutionEnvironment env) {
        start(env, backend::launch);
    }

    /** Launches {@code env}'s sandbox with {@code launcher}. */
    void start(ExecutionEnvironment env, SandboxLauncher launcher) {
        FunctionRevision f = env.function;
        RuntimeApiListener listener = null;
        OptTrees.Lease layers = null;
        try {
            ScratchDirectory.create(env.scratchDir);
            listener = api.open(backend.runtimeApiTransport(), env.scratchDir.resolve(SOCKET_NAME), env);
            Path runtimeRoot = runtimes.runtimeRoot(f.runtime());
            if (!f.layers().isEmpty()) {
                layers = optTrees.acquire(f.layers());
            }
            Optional<Path> optRoot = Optional.ofNullable(layers).map(OptTrees.Lease::directory);
            SandboxView view = backend.view(f.taskRoot(), runtimeRoot, env.scratchDir, listener.address(), optRoot);
            RuntimeLaunch command = runtimes.launch(f.runtime(), f.handler(), view);
            List<String> externalExtensions = optRoot.map(EnvironmentStarter::externalExtensions).orElse(List.of());
            if (!externalExtensions.isEmpty()) {
                if (env.origin != ExecutionEnvironment.Origin.RESTORED) {
                    // a restored sandbox's extensions registered before its snapshot: none registers again
                    env.extensions.expectExternal(externalExtensions);
                }
                command = ExtensionsLauncher.wrap(command, view.optRoot());
            }
            Map<String, String> variables = LambdaVariables.of(f, view, command.environment(), f.account().region(),
                    env.logGroup, env.logStream, env.initializationType(), env.credentials);
            SandboxSpec spec = new SandboxSpec(env.id, command.command(), variables, f.taskRoot(), runtimeRoot,
                    env.scratchDir, listener.address(), ResourceLimits.forMemory(f.memoryMb(), f.ephemeralStorageMb()),
                    true, optRoot);
            Sandbox sandbox = launcher.launch(spec);
            CompletableFuture<SandboxExit> exited = sandbox.exit();
            if (layers != null) {
                OptTrees.Lease held = layers;
                // released before the environment counts as gone: a closing worker finds its trees let go
                exited = exited.whenComplete((exit, failure) -> held.release());
            }
            LogPump pump = new LogPump(sandbox.output(), env::onOutputLine);
            // A platform thread: a pipe read blocks its carrier, and with hundreds of idle sandboxes
            // virtual threads blocked there would exhaust the virtual-thread scheduler's carriers.
            HearthThreads.startDaemon("sandbox-output-" + env.id, PUMP_STACK_BYTES, pump);
            env.attach(sandbox, listener, pump);
            exited.thenAcceptAsync(env::onExit, background);
        } catch (IOException | SandboxLaunchException | RuntimeException e) {
            if (listener != null) {
                listener.close();
            }
            if (layers != null) {
                layers.release();
            }
            env.launchFailed();
            ScratchDirectory.delete(env.scratchDir);
            if (e instanceof LambdaException lambda) {
                throw lambda;
            }
            // The cause names Hearth's own ids and paths, and may quote the function's variables: it
            // goes to Hearth's log, the caller gets the function's name only.
            LOG.warn("Could not start sandbox {} for function {} ({}) with backend {}", env.id, f.functionArn(), f.runtime(),
                    backend.name(), e);
            throw new LambdaException(LambdaErrorType.ServiceException, "Could not start a sandbox for function "
                    + f.functionName() + ".", Map.of(), e);
        }
    }
}
