package dev.hearth.sandbox.gvisor;

import dev.hearth.sandbox.cgroups.CgroupHierarchy;
import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
 * The {@code gvisor} backend: each sandbox is an OCI bundle run by gVisor's {@code runsc run} on
 * the ptrace platform, so function code never makes a system call to the host kernel; gVisor's
 * Sentry implements Linux in user space and reaches files only through its Gofer.
 *
 * <p>What a sandbox sees and may do (see {@link OciBundle} and {@link RootfsSkeleton}):
 * <ul>
 *   <li>Files: a read-only root with the host's {@code /usr} (and {@code /bin}, {@code /lib}...
 *       through it), {@code ld.so.cache}, the CA certificates, and a minimal {@code /etc/passwd},
 *       {@code /etc/group}, {@code /etc/hosts}; the task root at {@code /var/task} and the runtime
 *       root at {@code /var/runtime} and the layers at {@code /opt}, all read-only; a private tmpfs {@code /tmp} of
 *       {@code ephemeralStorageMb}. Nothing else of the host (no {@code /etc/shadow}, no Hearth
 *       data). The working directory is {@code /var/task}; {@code TMPDIR} is not set (as in Lambda).</li>
 *   <li>User: {@link GvisorSandboxSettings#sandboxUid()}:{@link GvisorSandboxSettings#sandboxGid()}
 *       with no capabilities and {@code no_new_privs}, inside gVisor's own user namespace.</li>
 *   <li>Processes: its own pid namespace inside its own kernel; host processes and other sandboxes
 *       are invisible. When the first process exits, gVisor ends the rest.</li>
 *   <li>Network: without {@link SandboxSpec#networkAccess()}, gVisor's network stack with loopback
 *       only ({@code --network=none}). With it, runsc runs with {@code --network=host} in a network
 *       namespace of its own that slirp4netns connects to the host's stack, under
 *       {@link GvisorSandboxSettings#outbound()} as nftables rules installed before runsc starts
 *       ({@link GvisorNetwork}): no address of the host, no private range the policy does not
 *       allow, the host's loopback unreachable. Other sandboxes are unreachable either way.</li>
 *   <li>Runtime API: {@link RuntimeApiTransport#UNIX_SOCKET}. The worker's socket is bind-mounted
 *       into the sandbox and socat forwards {@code 127.0.0.1:9001} to it ({@link SandboxInit}); at
 *       launch the socket is given to the sandbox group with mode 0660.</li>
 *   <li>Limits: a cgroup per sandbox made by the backend before runsc starts and holding gVisor's
 *       whole kernel ({@link GvisorSandboxSettings#cgroupLimits}): memory {@code memoryMb} + {@code kernelMemoryMb}
 *       (exceeding it OOM-kills the Sentry, so the whole sandbox, reported as
 *       {@code outOfMemory}); CPU quota {@code vcpus} + {@code kernelVcpus}; host pids. Inside, gVisor enforces
 *       {@code RLIMIT_NPROC = maxProcesses}. {@link Sandbox#usage()} is the cgroup's peak, which
 *       includes gVisor's kernel and the {@code /tmp} files (gVisor keeps tmpfs in its memory).
 *       With {@link dev.hearth.sandbox.spi.ResourceLimits#unthrottledInit()} the CPU quota is
 *       written only by {@link Sandbox#initialised()}.</li>
 * </ul>
 *
 * <p>Requirements (checked by {@link #probe()}): Hearth runs as root (runsc creates namespaces and
 * cgroups), runsc and socat are installed, and cgroup v1 (memory, cpu, pids) or
 * cgroup v2 is mounted. Start-up cost on the development machines (2 shared cores): about 0.3 s
 * from launch to the end of {@code /bin/true}, 0.45 s for {@code python3 -c pass}; a warm request
 * round trip through the forwarder about 1.7 ms (the ptrace platform makes every system call
 * expensive). See {@code TestGvisorColdStart}.
 *
 * <p>Threading: all methods are thread-safe. Per sandbox it uses one virtual thread while the
 * sandbox ends, plus the JDK's process reaper. If the Hearth JVM dies, running sandboxes keep
 * running; their runsc state stays in {@link GvisorSandboxSettings#stateDir()}.
 */
public final class GvisorSandboxBackend implements SandboxBackend {

    /** What {@link SandboxView#runtimeApi()} names inside every sandbox. */
    public static final String RUNTIME_API_INSIDE = "127.0.0.1:" + SandboxInit.RUNTIME_API_PORT;

    private static final Logger LOG = LoggerFactory.getLogger(GvisorSandboxBackend.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    private static final File DEV_NULL = new File("/dev/null");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GvisorSandboxSettings settings;
    private final GvisorHostTools tools;
    private final Optional<CgroupHierarchy> placement;
    private final RootfsSkeleton skeleton;
    private final Set<GvisorSandbox> running = ConcurrentHashMap.newKeySet();
    private volatile boolean prepared;
    private volatile boolean closed;

    /** A backend using the host's runsc and socat and the cgroups of Hearth's own process. */
    public GvisorSandboxBackend(GvisorSandboxSettings settings) {
        this(settings, GvisorHostTools.find(), CgroupHierarchy.detectHere(settings.cgroupParentName()));
    }

    GvisorSandboxBackend(GvisorSandboxSettings settings, GvisorHostTools tools, Optional<CgroupHierarchy> placement) {
        this.settings = settings;
        this.tools = tools;
        this.placement = placement;
        this.skeleton = new RootfsSkeleton(settings.rootfs(), Path.of("/"), settings.sandboxUid(), settings.sandboxGid());
    }

    @Override
    public String name() {
        return "gvisor";
    }

    /**
     * Checks the tools, root, cgroups, and that runsc runs {@code /bin/true} on the ptrace platform
     * within {@link GvisorSandboxSettings#commandTimeout()} ({@code runsc do}, about 0.2 s).
     */
    @Override
    public HostSupport probe() {
        List<String> missing = new ArrayList<>(tools.missing());
        if (effectiveUid() != 0) {
            missing.add("root: runsc must run as root to create the sandbox's namespaces and cgroups; run Hearth as root"
                    + " or choose another backend");
        }
        if (placement.isEmpty()) {
            missing.add("cgroups: mount cgroup v2 with the memory controller, or the cgroup v1 memory, cpu and pids hierarchies");
        }
        String version = "runsc not found";
        String platform = "platform " + RunscCommand.PLATFORM + " untested";
        if (tools.runsc().isPresent()) {
            Path probeRoot = settings.stateDir().resolve("probe-runsc");
            RunscCommand runsc = new RunscCommand(tools.runsc().get(), probeRoot);
            try {
                version = RunscCommand.execute(runsc.version(), settings.commandTimeout()).output().lines()
                        .findFirst().orElse("runsc (no version)");
                if (missing.isEmpty()) {
                    Files.createDirectories(probeRoot);
                    long start = System.nanoTime();
                    RunscCommand.Outcome outcome = RunscCommand.execute(runsc.doTrue(), settings.commandTimeout());
                    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    if (outcome.status() == 0) {
                        platform = "platform " + RunscCommand.PLATFORM + " (runs /bin/true in " + millis + " ms)";
                    } else {
                        missing.add("runsc cannot run /bin/true on the " + RunscCommand.PLATFORM + " platform (status "
                                + outcome.status() + "): " + lastLines(outcome.output()) + "; runsc: apt-get install runsc");
                    }
                }
            } catch (IOException e) {
                missing.add("runsc did not run /bin/true on the " + RunscCommand.PLATFORM + " platform: " + e.getMessage()
                        + "; runsc: apt-get install runsc");
            }
        }
        String summary = "gVisor " + version + ", " + platform + ", outbound network through slirp4netns under nftables rules + unix-socket Runtime API, "
                + placement.map(CgroupHierarchy::describe).orElse("no usable cgroups") + ", sandboxes run as "
                + settings.sandboxUid() + ":" + settings.sandboxGid();
        return missing.isEmpty() ? HostSupport.usable(summary) : HostSupport.unusable(summary, missing);
    }

    @Override
    public RuntimeApiTransport runtimeApiTransport() {
        return RuntimeApiTransport.UNIX_SOCKET;
    }

    /**
     * Lambda's paths: {@code /var/task}, {@code /var/runtime}, {@code /tmp} and
     * {@value #RUNTIME_API_INSIDE}.
     *
     * @throws IllegalArgumentException when {@code runtimeApi} is not a {@link RuntimeApiAddress.UnixSocket}
     */
    @Override
    public SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi) {
        unixSocket(runtimeApi);
        return new SandboxView("/var/task", "/var/runtime", "/tmp", RUNTIME_API_INSIDE);
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws SandboxLaunchException {
        if (closed) {
            throw new SandboxLaunchException("gvisor backend is closed; cannot launch " + spec.sandboxId());
        }
        Path socket = unixSocket(spec.runtimeApi()).path();
        for (Path directory : List.of(spec.taskRoot(), spec.runtimeRoot(), spec.scratchDir())) {
            if (!Files.isDirectory(directory)) {
                throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + directory + " is not a directory");
            }
        }
        if (!Files.exists(socket)) {
            throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": no Runtime API socket at " + socket);
        }
        List<String> missing = tools.missing();
        if (!missing.isEmpty()) {
            throw new SandboxLaunchException("gvisor backend cannot launch " + spec.sandboxId() + ": missing " + missing);
        }
        CgroupHierarchy cgroups = placement.orElseThrow(() -> new SandboxLaunchException(
                "gvisor backend cannot launch " + spec.sandboxId() + ": no usable cgroup hierarchy"));
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String containerId = spec.sandboxId() + "-" + HexFormat.of().formatHex(suffix);
        List<String> argv = SandboxInit.argv(tools.socat().orElseThrow(), spec.command(), spec.environment());
        List<String> environment;
        try {
            environment = SandboxInit.environment(spec.environment());
        } catch (IllegalArgumentException e) {
            throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        SandboxCgroup cgroup;
        CgroupLimits limits = settings.cgroupLimits(spec.limits());
        Path bundleDir;
        RunscCommand runsc = new RunscCommand(tools.runsc().orElseThrow(), settings.runscRoot());
        try {
            RootfsSkeleton.Layout rootfs = prepare(cgroups, runsc);
            Files.setAttribute(socket, "unix:gid", settings.sandboxGid());
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            bundleDir = OciBundle.write(spec.scratchDir().resolve("gvisor-bundle"), new OciBundle.Contents(
                    rootfs, spec.taskRoot(), spec.runtimeRoot(), socket, argv, environment, settings.sandboxUid(),
                    settings.sandboxGid(), spec.limits(), cgroups.cgroupsPath(containerId), spec.optRoot(),
                    spec.networkAccess()));
            cgroup = cgroups.create(containerId, limits);
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxLaunchException("cannot prepare gvisor sandbox " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        List<String> runscArgv = runsc.run(bundleDir, containerId, spec.networkAccess());
        ProcessBuilder builder = new ProcessBuilder(spec.networkAccess()
                ? GvisorNetwork.wrap(tools.network(), runscArgv) : runscArgv)
                .directory(bundleDir.toFile())
                .redirectErrorStream(true);
        if (!spec.networkAccess()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            SandboxLaunchException failure = new SandboxLaunchException(
                    "cannot start runsc for sandbox " + spec.sandboxId() + ": " + e.getMessage(), e);
            try {
                cgroup.remove();
            } catch (IOException removal) {
                failure.addSuppressed(removal);
            }
            throw failure;
        }
        if (spec.networkAccess()) {
            try {
                GvisorNetwork network = GvisorNetwork.attach(process, tools.network(), GvisorNetwork.ruleset(settings.outbound()),
                        spec.scratchDir().resolve("slirp4netns.log"), settings.commandTimeout());
                process.onExit().thenRun(network::close);
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
                process.onExit().join();
                SandboxLaunchException failure = new SandboxLaunchException(
                        "cannot set up the network of gvisor sandbox " + spec.sandboxId() + ": " + e.getMessage(), e);
                try {
                    cgroup.remove();
                } catch (IOException removal) {
                    failure.addSuppressed(removal);
                }
                throw failure;
            }
        }
        GvisorSandbox sandbox = GvisorSandbox.adopt(spec.sandboxId(), containerId, process, cgroup, limits, runsc,
                settings.commandTimeout(), running::remove);
        running.add(sandbox);
        if (sandbox.exit().isDone()) {
            running.remove(sandbox);
        }
        if (closed) {
            sandbox.kill();
        }
        return sandbox;
    }

    /**
     * Once per backend: creates the state directories and the cgroup parents, and removes what an
     * earlier Hearth left in this state directory (it died with sandboxes running); then the root
     * skeleton.
     */
    private RootfsSkeleton.Layout prepare(CgroupHierarchy cgroups, RunscCommand runsc) throws IOException {
        if (!prepared) {
            synchronized (this) {
                if (!prepared) {
                    Files.createDirectories(settings.runscRoot());
                    Files.setPosixFilePermissions(settings.runscRoot(), PosixFilePermissions.fromString("rwx--x--x"));
                    cgroups.prepare();
                    reapLeftovers(cgroups, runsc);
                    prepared = true;
                }
            }
        }
        return skeleton.ensure();
    }

    /**
     * Kills every container in runsc's state directory (SIGKILL to its cgroup: runsc delete alone
     * times out on a container whose Sentry still runs), deletes its state and removes its cgroup.
     */
    private void reapLeftovers(CgroupHierarchy cgroups, RunscCommand runsc) throws IOException {
        List<String> leftovers;
        try (var files = Files.list(settings.runscRoot())) {
            leftovers = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".state") && name.contains("_sandbox:"))
                    .map(name -> name.substring(0, name.indexOf("_sandbox:")))
                    .toList();
        }
        for (String containerId : leftovers) {
            LOG.warn("removing gvisor container {} left running by an earlier Hearth", containerId);
            SandboxCgroup cgroup = cgroups.sandbox(containerId);
            cgroup.killUntilEmpty(settings.commandTimeout());
            if (Files.exists(runsc.stateFile(containerId))) {
                RunscCommand.Outcome deleted = RunscCommand.execute(runsc.delete(containerId), settings.commandTimeout());
                // a runsc run still attached may have removed the state itself meanwhile
                if (deleted.status() != 0 && Files.exists(runsc.stateFile(containerId))) {
                    throw new IOException("cannot delete leftover gvisor container " + containerId + ": "
                            + deleted.output().strip());
                }
            }
            cgroup.remove();
        }
    }

    /** Kills every running sandbox and waits (up to 15 s) until they have ended. Idempotent. */
    @Override
    public void close() {
        closed = true;
        List<GvisorSandbox> toKill = List.copyOf(running);
        toKill.forEach(GvisorSandbox::kill);
        CompletableFuture<?>[] exits = toKill.stream().map(GvisorSandbox::exit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for {} gvisor sandboxes to end", toKill.size());
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("gvisor sandboxes did not all end within {} of close()", CLOSE_WAIT, e);
        }
    }

    private static RuntimeApiAddress.UnixSocket unixSocket(RuntimeApiAddress address) {
        return switch (address) {
            case RuntimeApiAddress.UnixSocket socket -> socket;
            case RuntimeApiAddress.Tcp tcp -> throw new IllegalArgumentException(
                    "the gvisor backend carries the Runtime API into the sandbox as a unix socket, not TCP: " + tcp.hostPort());
        };
    }

    private static String lastLines(String output) {
        List<String> lines = output.strip().lines().toList();
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    static int effectiveUid() {
        Path status = Path.of("/proc/self/status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
        throw new IllegalStateException("no Uid line in " + status);
    }
}
