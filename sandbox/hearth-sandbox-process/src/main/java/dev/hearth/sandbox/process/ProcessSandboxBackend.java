package dev.hearth.sandbox.process;

import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} backend: <strong>no isolation — for development only.</strong> Each sandbox is
 * a plain child process of Hearth that sees the host's whole file system, network and process
 * table; anything Hearth's user (or, when Hearth runs as root, the unprivileged sandbox user) can
 * do, function code can do. Never run untrusted code with it; use {@code namespace} or stronger.
 * In particular it enforces no {@link dev.hearth.sandbox.spi.OutboundPolicy}: function code reaches
 * the host's loopback, every address of the host, Hearth's own listeners (the management API too)
 * and every private network the host reaches; this is why the escape contract
 * ({@code SandboxEscapeContract}) does not run against it.
 *
 * <p>What it does provide:
 * <ul>
 *   <li>Paths: the view shows host paths; the private {@code /tmp} is {@code scratchDir/tmp}
 *       (created at launch, mode 0700) and {@code TMPDIR} names it unless the spec sets
 *       {@code TMPDIR}. The working directory is the task root.</li>
 *   <li>Environment: exactly {@link SandboxSpec#environment()} (plus {@code TMPDIR}); nothing of
 *       Hearth's is inherited. stdin is {@code /dev/null}; stdout and stderr are one pipe.</li>
 *   <li>User: when Hearth runs as root, sandboxes run as {@link ProcessSandboxSettings#unprivilegedUid()}
 *       (nobody) with no capabilities and {@code no_new_privs}; the task and runtime roots must then be
 *       world-readable, not writable by that user, and reachable through world-searchable directories,
 *       or the launch fails naming the directory. Otherwise sandboxes run as Hearth's user, and the
 *       backend removes write permission from the task and runtime roots (the worker must restore
 *       {@code u+w} before deleting them).</li>
 *   <li>Process tree: each sandbox leads its own session ({@code setsid}); {@link Sandbox#kill()} and
 *       the first process's exit SIGKILL the session and every descendant. A process that both leaves
 *       the session and loses its parent before it is seen escapes: there is no cgroup.</li>
 *   <li>Limits: open files 1,024 and largest file {@code ephemeralStorageMb} ({@code prlimit}), no
 *       core dumps; a watchdog samples the tree's resident memory (sum of {@code VmRSS}, shared pages
 *       counted per process) every {@link ProcessSandboxSettings#limitSampleInterval()}, records the
 *       peak for {@link Sandbox#usage()}, and kills the sandbox over {@code memoryMb}
 *       ({@code outOfMemory = true}) or over {@code maxProcesses} threads. A fast allocator can
 *       overshoot between samples. vCPUs and {@code networkAccess = false} are not enforced.</li>
 *   <li>Runtime API: {@link RuntimeApiTransport#TCP_LOOPBACK}; the view's address is the listener's
 *       {@code host:port}.</li>
 *   <li>Freezing: not possible ({@link Sandbox#canFreeze()} is false): without a cgroup there is no
 *       sure list of the sandbox's processes to stop, so what a handler leaves running keeps running
 *       between invocations.</li>
 * </ul>
 *
 * <p>Threading: all methods are thread-safe. Per sandbox it uses one virtual thread while the
 * sandbox ends, plus the JDK's own process reaper thread; the watchdog is one virtual thread per
 * backend. If the Hearth JVM dies, its sandboxes keep running.
 */
public final class ProcessSandboxBackend implements SandboxBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandboxBackend.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    private static final File DEV_NULL = new File("/dev/null");

    private final SandboxIdentity identity;
    private final UtilLinuxTools tools;
    private final ProcessTreeWatchdog watchdog;
    private final Set<ProcessSandbox> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A backend with {@link ProcessSandboxSettings#defaults()}. */
    public ProcessSandboxBackend() {
        this(ProcessSandboxSettings.defaults());
    }

    public ProcessSandboxBackend(ProcessSandboxSettings settings) {
        this.identity = SandboxIdentity.forThisJvm(settings);
        this.tools = UtilLinuxTools.find();
        this.watchdog = new ProcessTreeWatchdog(settings.limitSampleInterval());
        watchdog.start();
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public HostSupport probe() {
        List<String> missing = new ArrayList<>(tools.missing(identity));
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            missing.add("/proc: mount procfs (the backend finds sandbox processes there)");
        }
        String user = switch (identity) {
            case SandboxIdentity.Unprivileged(int uid, int gid) -> "sandboxes run as " + uid + ":" + gid;
            case SandboxIdentity.HearthUser(int uid) -> "sandboxes run as Hearth's own uid " + uid;
        };
        String summary = "process backend (NO isolation, development only): " + user + ", util-linux "
                + tools.setsid().map(Path::toString).orElse("setsid missing") + ", "
                + tools.prlimit().map(Path::toString).orElse("prlimit missing");
        return missing.isEmpty() ? HostSupport.usable(summary) : HostSupport.unusable(summary, missing);
    }

    @Override
    public RuntimeApiTransport runtimeApiTransport() {
        return RuntimeApiTransport.TCP_LOOPBACK;
    }

    /**
     * Host paths; {@code tmpDir} is {@code scratchDir/tmp} (created by {@link #launch}).
     *
     * @throws IllegalArgumentException when {@code runtimeApi} is not a {@link RuntimeApiAddress.Tcp}
     */
    @Override
    public SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi) {
        return new SandboxView(taskRoot.toString(), runtimeRoot.toString(),
                HostPathAccess.tmpDir(scratchDir).toString(), tcp(runtimeApi).hostPort(),
                HostPathAccess.emptyOptDir(scratchDir).toString());
    }

    /**
     * Host paths, as {@link #view(Path, Path, Path, RuntimeApiAddress)}; without a mount namespace
     * the layers cannot appear at {@code /opt}, so {@code optRoot} is the host directory itself, or
     * an empty {@code scratchDir/opt} (created by {@link #launch}) when there are none.
     */
    @Override
    public SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi,
            Optional<Path> optRoot) {
        return new SandboxView(taskRoot.toString(), runtimeRoot.toString(),
                HostPathAccess.tmpDir(scratchDir).toString(), tcp(runtimeApi).hostPort(),
                optRoot.orElse(HostPathAccess.emptyOptDir(scratchDir)).toString());
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws SandboxLaunchException {
        if (closed) {
            throw new SandboxLaunchException("process backend is closed; cannot launch " + spec.sandboxId());
        }
        tcp(spec.runtimeApi());
        List<String> missing = tools.missing(identity);
        if (!missing.isEmpty()) {
            throw new SandboxLaunchException("process backend cannot launch " + spec.sandboxId() + ": missing " + missing);
        }
        Path tmp = HostPathAccess.prepare(identity, spec.taskRoot(), spec.runtimeRoot(), spec.scratchDir(),
                spec.optRoot().orElse(HostPathAccess.emptyOptDir(spec.scratchDir())));

        ProcessBuilder builder = new ProcessBuilder(LaunchCommand.argv(tools, identity, spec.limits(), spec.command()))
                .directory(spec.taskRoot().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(spec.environment());
        environment.putIfAbsent("TMPDIR", tmp.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SandboxLaunchException("cannot start sandbox " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        ProcessSandbox sandbox = ProcessSandbox.adopt(spec.sandboxId(), process, spec.limits(), this::ended);
        running.add(sandbox);
        watchdog.watch(sandbox);
        if (sandbox.exit().isDone()) {
            ended(sandbox);
        }
        if (closed) {
            sandbox.kill();
        }
        return sandbox;
    }

    private void ended(ProcessSandbox sandbox) {
        running.remove(sandbox);
        watchdog.unwatch(sandbox);
    }

    /** Kills every running sandbox and waits (up to 15 s) until they have ended. Idempotent. */
    @Override
    public void close() {
        closed = true;
        List<ProcessSandbox> toKill = List.copyOf(running);
        toKill.forEach(ProcessSandbox::kill);
        CompletableFuture<?>[] exits = toKill.stream().map(ProcessSandbox::exit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for {} sandboxes to end", toKill.size());
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("sandboxes did not all end within {} of close()", CLOSE_WAIT, e);
        } finally {
            watchdog.close();
        }
    }

    private static RuntimeApiAddress.Tcp tcp(RuntimeApiAddress address) {
        return switch (address) {
            case RuntimeApiAddress.Tcp tcp -> tcp;
            case RuntimeApiAddress.UnixSocket socket -> throw new IllegalArgumentException(
                    "the process backend offers the Runtime API over TCP loopback, not a unix socket: " + socket.path());
        };
    }
}
