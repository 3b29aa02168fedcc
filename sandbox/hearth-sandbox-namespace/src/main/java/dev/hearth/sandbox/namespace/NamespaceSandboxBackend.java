package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.cgroups.CgroupHierarchy;
import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code namespace} backend: Lambda-grade isolation on Linux with bubblewrap, cgroups and
 * seccomp (see {@link BwrapCommand} for the exact launch).
 *
 * <ul>
 *   <li>Namespaces: user, mount, pid, ipc, uts, network and cgroup, one set per sandbox; no nested
 *       user namespaces. Function code runs as an unprivileged user
 *       ({@link NamespaceSandboxSettings#sandboxUid()} inside; when Hearth is root, a host uid of the
 *       sandbox's own from {@link SandboxUids}, else Hearth's own user)
 *       with no capabilities, in a new session, and dies with Hearth.</li>
 *   <li>Files: a read-only root with {@code /usr}, the host's {@code /bin}, {@code /lib}... links,
 *       a few {@code /etc} files and a generated {@code /etc/passwd}; {@code /var/task} and
 *       {@code /var/runtime} read-only; a private, disk-backed {@code /tmp} of at least
 *       {@code ephemeralStorageMb} ({@link TmpVolumes}: writes beyond fail with {@code ENOSPC}; its
 *       pages are reclaimable page cache, not the function's memory; a tmpfs counted against the
 *       memory limit when Hearth is not root); its own {@code /proc}; a minimal
 *       {@code /dev}. The task and runtime roots must be readable by the sandbox user through
 *       world-searchable directories.</li>
 *   <li>Limits: one cgroup per sandbox (v1 or v2) under {@link NamespaceSandboxSettings#cgroupParentName()}
 *       in Hearth's own cgroup: memory {@code memoryMb} (the kernel's OOM killer acts inside the
 *       sandbox only; {@code outOfMemory} comes from the cgroup's {@code oom_kill} counter), CPU
 *       quota {@code vcpus}, {@code pids.max = maxProcesses}. {@link Sandbox#usage()} is the
 *       cgroup's peak. With {@link ResourceLimits#unthrottledInit()} the CPU quota is written only
 *       by {@link Sandbox#initialised()}: Init runs with the host's CPU.</li>
 *   <li>Network: a loopback interface only; with {@code networkAccess = true} also {@code tap0} from
 *       slirp4netns (user-mode TCP/IP: outbound connections are made by the slirp4netns process
 *       on the host's stack), with the host's loopback unreachable ({@code --disable-host-loopback}),
 *       under {@link NamespaceSandboxSettings#outbound()}: nftables rules in the sandbox's network
 *       namespace, installed before {@code tap0} exists ({@link SandboxNetwork}), refuse every
 *       address of the host (read at each launch and stem-cell build) and slirp4netns's gateway
 *       10.0.2.2, allow DNS to its forwarder 10.0.2.3, and refuse private ranges the policy does
 *       not allow. Sandboxes can never reach each other: nothing listens for them on the host.
 *       slirp4netns runs in the sandbox's cgroup, so its memory counts against the sandbox.</li>
 *   <li>Runtime API: {@link RuntimeApiTransport#UNIX_SOCKET}: the worker's socket is bind-mounted
 *       at {@link BwrapCommand#RUNTIME_API_SOCKET} and a forwarder ({@link RuntimeApiLauncher})
 *       listening on {@code 127.0.0.1:9001} before the runtime starts relays to it;
 *       when Hearth is root the backend hands the socket file to the sandbox user.</li>
 *   <li>Seccomp: {@link SeccompFilter}.</li>
 * </ul>
 *
 * <p>Start-up: the first launch (or {@link #probe()}) compiles the seccomp filter and starts a
 * {@link LaunchPool} of {@link NamespaceSandboxSettings#launchPoolSize()} processes that have joined
 * a cgroup ahead of time. A launch takes, in order of preference: a {@link StemCells} cell of its
 * (runtime, {@code /tmp} size, network) key — a sandbox built ahead of need, into which the code
 * and the Runtime API socket are hard-linked, so that only the runtime's own start is left — or a
 * pooled launch process, or starts one directly. Once the launched sandbox has finished Init (or
 * ended), its key is refilled with {@code launchPoolSize} cells.
 *
 * <p>Threading: all methods are thread-safe. Each sandbox uses one virtual thread while it ends,
 * plus the JDK's process reaper; the pool refills on short-lived virtual threads. If the Hearth JVM dies, bubblewrap kills its sandboxes; their
 * cgroups stay behind until a backend with the same parent removes them at a later launch.
 */
public final class NamespaceSandboxBackend implements SandboxBackend {

    /** Where the task root appears inside. */
    public static final String TASK_ROOT = "/var/task";
    /** Where the layers ({@link SandboxSpec#optRoot()}) appear inside. */
    public static final String OPT_ROOT = "/opt";
    /** Where the runtime root appears inside. */
    public static final String RUNTIME_ROOT = "/var/runtime";
    /** The sandbox's private tmpfs. */
    public static final String TMP_DIR = "/tmp";
    /** What {@code AWS_LAMBDA_RUNTIME_API} names inside every sandbox. */
    public static final String RUNTIME_API = "127.0.0.1:" + BwrapCommand.RUNTIME_API_PORT;

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceSandboxBackend.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    private static final Duration PROBE_WAIT = Duration.ofSeconds(20);
    private static final File DEV_NULL = new File("/dev/null");
    private static final Path CGROUP_MOUNT = Path.of("/sys/fs/cgroup");

    private final NamespaceSandboxSettings settings;
    private final boolean ownsStateDir;
    private final SandboxUser user;
    /** Each sandbox's own host uid, when Hearth is root. */
    private final Optional<SandboxUids> uids;
    private final HostTools tools;
    private final Set<NamespaceSandbox> running = ConcurrentHashMap.newKeySet();
    private final Object prepareLock = new Object();
    private volatile Prepared prepared;
    private volatile boolean closed;

    /** What the first launch (or probe) sets up once: the cgroup parent and the shared files. */
    private record Prepared(CgroupHierarchy cgroups, BackendFiles files, LaunchPool pool, StemCells cells,
            Optional<TmpVolumes> volumes) {}

    /**
     * A backend with {@link NamespaceSandboxSettings#defaults} and a state directory of its own,
     * freshly created under {@code java.io.tmpdir} with a random name and deleted by {@link #close()}.
     *
     * @throws java.io.UncheckedIOException when that directory cannot be created
     */
    public NamespaceSandboxBackend() {
        this(NamespaceSandboxSettings.defaults(newStateDir()), true);
    }

    /** A backend with these settings; its state directory is left in place by {@link #close()}. */
    public NamespaceSandboxBackend(NamespaceSandboxSettings settings) {
        this(settings, false);
    }

    private NamespaceSandboxBackend(NamespaceSandboxSettings settings, boolean ownsStateDir) {
        this.settings = settings;
        this.ownsStateDir = ownsStateDir;
        this.user = SandboxUser.forThisProcess(settings);
        this.uids = user.dropFromRoot() ? Optional.of(new SandboxUids()) : Optional.empty();
        this.tools = HostTools.find();
    }

    /** The directory holding the backend's shared files (see {@link NamespaceSandboxSettings#stateDir()}). */
    public Path stateDir() {
        return settings.stateDir();
    }

    /** How many pooled launch processes are waiting now (0 before the first launch or probe). */
    int waitingLaunchers() {
        Prepared ready = prepared;
        return ready == null ? 0 : ready.pool().waiting();
    }

    /** How many stem cells of {@code key} are ready now (0 before the first launch or probe). */
    int readyStemCells(StemCells.Key key) {
        Prepared ready = prepared;
        return ready == null ? 0 : ready.cells().ready(key);
    }

    @Override
    public String name() {
        return "namespace";
    }

    /**
     * Checks the tools, the cgroup hierarchy (creating and removing a probe cgroup), compiles the
     * seccomp filter, and runs {@code /usr/bin/true} in a sandbox with every namespace. Takes tens of
     * milliseconds.
     */
    @Override
    public HostSupport probe() {
        List<String> missing = new ArrayList<>(tools.missing(user.dropFromRoot()));
        String version = tools.bwrap().map(NamespaceSandboxBackend::bwrapVersion).orElse("no bubblewrap");
        if (!missing.isEmpty()) {
            return HostSupport.unusable(version, missing);
        }
        Prepared ready;
        try {
            ready = prepare();
        } catch (IOException e) {
            return HostSupport.unusable(version, List.of(e.getMessage()));
        }
        String identity = uids.isPresent() ? "a host uid each from " + SandboxUids.FIRST + ", " + user.uid() + ":"
                + user.gid() + " inside" : user.uid() + ":" + user.gid();
        String summary = version + ", " + ready.cgroups().describe() + ", sandboxes run as " + identity
                + ", /tmp " + (ready.volumes().isPresent() ? "on disk" : "in memory (tmpfs)")
                + ", seccomp blocks " + SeccompFilter.BLOCKED.size() + " system calls";
        try {
            SandboxCgroup probe = ready.cgroups().create("probe-" + ProcessHandle.current().pid(),
                    CgroupLimits.of(ResourceLimits.forMemory(128, 16)));
            probe.remove();
        } catch (IOException e) {
            missing.add("cgroups: cannot create a sandbox cgroup under " + ready.cgroups().describe()
                    + " (run Hearth as root, or in a delegated cgroup): " + e.getMessage());
        }
        trySandbox().ifPresent(missing::add);
        return missing.isEmpty() ? HostSupport.usable(summary) : HostSupport.unusable(summary, missing);
    }

    @Override
    public RuntimeApiTransport runtimeApiTransport() {
        return RuntimeApiTransport.UNIX_SOCKET;
    }

    /**
     * Lambda's paths: {@code /var/task}, {@code /var/runtime}, {@code /tmp} and {@code 127.0.0.1:9001}.
     *
     * @throws IllegalArgumentException when {@code runtimeApi} is not a {@link RuntimeApiAddress.UnixSocket}
     */
    @Override
    public SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi) {
        unixSocket(runtimeApi);
        return new SandboxView(TASK_ROOT, RUNTIME_ROOT, TMP_DIR, RUNTIME_API);
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws SandboxLaunchException {
        if (closed) {
            throw new SandboxLaunchException("namespace backend is closed; cannot launch " + spec.sandboxId());
        }
        Path socket = unixSocket(spec.runtimeApi()).path();
        List<String> missing = tools.missing(user.dropFromRoot());
        if (!missing.isEmpty()) {
            throw new SandboxLaunchException("namespace backend cannot launch " + spec.sandboxId() + ": missing " + missing);
        }
        for (Path dir : List.of(spec.taskRoot(), spec.runtimeRoot())) {
            if (!Files.isDirectory(dir)) {
                throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + dir + " is not a directory");
            }
        }
        byte[] command;
        try {
            command = RuntimeApiLauncher.request(spec.command(), spec.environment());
        } catch (IllegalArgumentException e) {
            throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        Prepared ready;
        CgroupLimits limits = CgroupLimits.of(spec.limits());
        try {
            ready = prepare();
            if (user.dropFromRoot()) {
                for (Path path : List.of(spec.taskRoot(), spec.runtimeRoot(), ready.files().passwd(), socket.getParent())) {
                    HostPathAccess.requireReachable(path, user);
                }
                if (spec.optRoot().isPresent()) {
                    HostPathAccess.requireReachable(spec.optRoot().get(), user);
                }
            }
            if (!Files.exists(socket)) {
                throw new IOException("the Runtime API socket " + socket + " does not exist");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        StemCells.Key key = new StemCells.Key(spec.runtimeRoot(), spec.limits().ephemeralStorageMb(), spec.networkAccess(),
                spec.optRoot());
        Optional<NamespaceSandbox> fromCell = fromStemCell(ready.cells(), key, spec, limits, socket, command);
        NamespaceSandbox sandbox = fromCell.isPresent() ? fromCell.get() : launchAfresh(ready, spec, limits, socket, command);
        sandbox.settled().thenRun(() -> ready.cells().fill(key));
        running.add(sandbox);
        if (sandbox.released().isDone()) {
            running.remove(sandbox);
        }
        if (closed) {
            sandbox.kill();
        }
        return sandbox;
    }

    /**
     * Makes a {@link StemCells} cell of the spec's key the sandbox, if one is ready and the code can
     * be linked into it: links the code and the socket, writes the limits into its cgroup, then sends
     * the runtime's command and environment. Empty otherwise (an unused cell goes back).
     */
    private Optional<NamespaceSandbox> fromStemCell(StemCells cells, StemCells.Key key, SandboxSpec spec, CgroupLimits limits,
            Path socket, byte[] command) {
        Optional<StemCells.Cell> taken = cells.take(key);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        StemCells.Cell cell = taken.get();
        try {
            handOver(socket, cell.hostUid());
        } catch (IOException e) {
            LOG.warn("sandbox {}: cannot hand its Runtime API socket to its stem cell's uid", spec.sandboxId(), e);
            cells.putBack(cell);
            return Optional.empty();
        }
        if (!cells.claim(cell, spec.taskRoot(), socket)) {
            cells.putBack(cell);
            return Optional.empty();
        }
        NamespaceSandbox sandbox = NamespaceSandbox.adopt(spec.sandboxId(), cell.process(), cell.cgroup(), limits, ended -> {
            running.remove(ended);
            cells.release(cell);
        });
        try {
            cell.cgroup().applyLimits(limits);
        } catch (IOException e) {
            LOG.warn("sandbox {}: cannot limit its stem cell's cgroup; killed", spec.sandboxId(), e);
            sandbox.kill();
            return Optional.of(sandbox);
        }
        handRequest(sandbox, cell.process(), new byte[0], command);
        return Optional.of(sandbox);
    }

    /**
     * Launches without a stem cell: takes a host uid and a {@code /tmp} volume (released once the
     * sandbox has ended), then hands the launch to a pooled launch process, or starts one.
     */
    private NamespaceSandbox launchAfresh(Prepared ready, SandboxSpec spec, CgroupLimits limits, Path socket, byte[] command)
            throws SandboxLaunchException {
        Optional<TmpVolumes.TmpVolume> tmp = Optional.empty();
        OptionalInt hostUid = uids.isPresent() ? OptionalInt.of(uids.get().allocate()) : OptionalInt.empty();
        try {
            byte[] request;
            try {
                handOver(socket, hostUid);
                if (ready.volumes().isPresent()) {
                    tmp = Optional.of(ready.volumes().get().take(spec.limits().ephemeralStorageMb()));
                }
                List<String> sandboxArgv = BwrapCommand.sandbox(tools, user, ready.files(),
                        BwrapCommand.Layout.of(spec, socket, tmp.map(TmpVolumes.TmpVolume::mountPoint), hostUid));
                request = LaunchProgram.request(spec.networkAccess()
                        ? Optional.of(SandboxNetwork.now(tools, settings.outbound())) : Optional.empty(), sandboxArgv);
            } catch (IOException | IllegalArgumentException e) {
                throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + e.getMessage(), e);
            }
            Optional<NamespaceSandbox> pooled = launchPooled(ready.pool(), spec.sandboxId(), limits, request, command);
            NamespaceSandbox sandbox = pooled.isPresent() ? pooled.get() : launchDirect(ready, spec, limits, request, command);
            Optional<TmpVolumes.TmpVolume> taken = tmp;
            OptionalInt uid = hostUid;
            tmp = Optional.empty();
            hostUid = OptionalInt.empty();
            sandbox.released().whenComplete((done, failure) -> {
                taken.ifPresent(volume -> ready.volumes().get().release(volume));
                uid.ifPresent(id -> uids.get().release(id));
            });
            return sandbox;
        } finally {
            tmp.ifPresent(volume -> ready.volumes().get().release(volume));
            hostUid.ifPresent(id -> uids.get().release(id));
        }
    }

    /**
     * Hands the launch to a {@link LaunchPool} process, if one is ready: writes the limits into its
     * cgroup, then sends it the request and the runtime's command and environment. Empty when none is
     * ready, or the one taken has died (it is discarded).
     */
    private Optional<NamespaceSandbox> launchPooled(LaunchPool pool, String sandboxId, CgroupLimits limits, byte[] request,
            byte[] command) {
        Optional<LaunchPool.Pooled> taken = pool.take();
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        LaunchPool.Pooled launcher = taken.get();
        try {
            launcher.cgroup().applyLimits(limits);
            try (OutputStream stdin = launcher.process().getOutputStream()) {
                stdin.write(request);
                stdin.write(command);
            }
        } catch (IOException e) {
            LOG.warn("sandbox {}: its pooled launch process failed; launching directly", sandboxId, e);
            pool.discardLater(launcher);
            return Optional.empty();
        }
        return Optional.of(NamespaceSandbox.adopt(sandboxId, launcher.process(), launcher.cgroup(), limits, running::remove));
    }

    /** Creates the sandbox's cgroup and starts a launch process in it, then sends it the request and the command. */
    private NamespaceSandbox launchDirect(Prepared ready, SandboxSpec spec, CgroupLimits limits, byte[] request,
            byte[] command) throws SandboxLaunchException {
        SandboxCgroup cgroup;
        try {
            cgroup = createCgroup(ready.cgroups(), spec.sandboxId(), limits);
        } catch (IOException e) {
            throw new SandboxLaunchException("cannot launch " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        Process process;
        try {
            process = launchProcess(ready.files(), cgroup);
        } catch (IOException e) {
            removeQuietly(cgroup, spec.sandboxId());
            throw new SandboxLaunchException("cannot start sandbox " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
        NamespaceSandbox sandbox = NamespaceSandbox.adopt(spec.sandboxId(), process, cgroup, limits, running::remove);
        handRequest(sandbox, process, request, command);
        return sandbox;
    }

    /** Starts a launch process ({@link BwrapCommand#launchProcess}) in {@code cgroup}, with the host environment only. */
    private Process launchProcess(BackendFiles files, SandboxCgroup cgroup) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(BwrapCommand.launchProcess(tools.perl().orElseThrow(), files, cgroup))
                .directory(new File("/"))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(BwrapCommand.HOST_ENVIRONMENT);
        return builder.start();
    }

    /** Kills every running sandbox and waits (up to 15 s) until they have ended and their cgroups are removed. Idempotent. */
    @Override
    public void close() {
        closed = true;
        List<NamespaceSandbox> toKill = List.copyOf(running);
        toKill.forEach(NamespaceSandbox::kill);
        CompletableFuture<?>[] exits = toKill.stream().map(NamespaceSandbox::released).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for {} sandboxes to end", toKill.size());
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("sandboxes did not all end within {} of close()", CLOSE_WAIT, e);
        }
        Prepared ready = prepared;
        if (ready != null) {
            ready.pool().close();
            ready.cells().close();
            ready.volumes().ifPresent(TmpVolumes::close);
        }
        if (ownsStateDir) {
            deleteStateDir();
        }
    }

    private static Path newStateDir() {
        try {
            return Files.createTempDirectory("hearth-namespace-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the namespace backend", e);
        }
    }

    private void deleteStateDir() {
        try (var files = Files.list(settings.stateDir())) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
            Files.delete(settings.stateDir());
        } catch (IOException e) {
            LOG.warn("cannot delete the namespace backend's state directory {}", settings.stateDir(), e);
        }
    }

    private Prepared prepare() throws IOException {
        Prepared ready = prepared;
        if (ready != null) {
            return ready;
        }
        synchronized (prepareLock) {
            if (prepared == null) {
                String selfCgroup = Files.readString(Path.of("/proc/self/cgroup"), UTF_8);
                CgroupHierarchy layout = CgroupHierarchy.detect(CGROUP_MOUNT, selfCgroup, settings.cgroupParentName())
                        .orElseThrow(() -> new IOException("cgroups: mount cgroup v2 with the memory, cpu and pids "
                                + "controllers at " + CGROUP_MOUNT + " (or the v1 memory, cpu and pids hierarchies)"));
                try {
                    layout.prepare();
                } catch (IOException e) {
                    throw new IOException("cgroups: cannot prepare " + layout.describe()
                            + " (run Hearth as root, or in a delegated cgroup): " + e.getMessage(), e);
                }
                LaunchPool.removeLeftovers(layout);
                BackendFiles files = BackendFiles.write(settings.stateDir(), user, tools.python3().orElseThrow());
                int poolSize = closed ? 0 : settings.launchPoolSize();
                Optional<TmpVolumes> volumes = TmpVolumes.open(settings.stateDir().resolve("tmp"), user.dropFromRoot(),
                        poolSize);
                StemCells cells = new StemCells(layout, settings.stateDir().resolve("cells"), poolSize, cellBuilder(files),
                        volumes, uids);
                prepared = new Prepared(layout, files, new LaunchPool(layout, files, tools.perl().orElseThrow(), poolSize), cells,
                        volumes);
            }
            return prepared;
        }
    }

    /** How {@link StemCells} builds a cell: the argv of this backend's sandboxes, a launch process as {@link #launchDirect}'s. */
    private StemCells.CellBuilder cellBuilder(BackendFiles files) {
        return new StemCells.CellBuilder() {
            @Override
            public List<String> sandbox(StemCells.Key key, Path task, Path run, Optional<Path> tmp, OptionalInt hostUid)
                    throws IOException {
                return BwrapCommand.sandbox(tools, user, files, new BwrapCommand.Layout(task, key.runtimeRoot(), run, true,
                        key.ephemeralStorageMb(), key.networkAccess(), key.optRoot(), tmp, hostUid));
            }

            @Override
            public Process start(SandboxCgroup cgroup) throws IOException {
                return launchProcess(files, cgroup);
            }

            @Override
            public SandboxNetwork network() {
                return SandboxNetwork.now(tools, settings.outbound());
            }
        };
    }

    /**
     * Creates the sandbox's cgroup. An empty leftover of the same name (from a Hearth that died) is
     * removed first; one that still has processes fails the launch.
     */
    private static SandboxCgroup createCgroup(CgroupHierarchy layout, String sandboxId, CgroupLimits limits)
            throws IOException {
        try {
            return layout.create(sandboxId, limits);
        } catch (FileAlreadyExistsException e) {
            SandboxCgroup leftover = layout.sandbox(sandboxId);
            try {
                leftover.remove();
            } catch (IOException busy) {
                throw new IOException("a cgroup for sandbox " + sandboxId + " already exists with processes "
                        + leftover.members() + ": sandbox ids must be unique", busy);
            }
            return layout.create(sandboxId, limits);
        }
    }

    /**
     * Writes the launch request (empty for a stem cell, which has read its own) and the runtime's
     * command and environment ({@link RuntimeApiLauncher#request}) to the launch process's stdin (a
     * few kilobytes: the pipe takes them without blocking), then closes it. A launch that died before
     * reading them is killed, so its exit and output report why.
     */
    private static void handRequest(NamespaceSandbox sandbox, Process process, byte[] request, byte[] command) {
        try (var stdin = process.getOutputStream()) {
            stdin.write(request);
            stdin.write(command);
        } catch (IOException e) {
            LOG.warn("sandbox {} ended before it read its launch request; its exit reports why", sandbox.id(), e);
            sandbox.kill();
        }
    }

    /** When Hearth is root, the sandbox's host uid ({@code hostUid}, else the sandbox user's) must own the socket to connect to it. */
    private void handOver(Path socket, OptionalInt hostUid) throws IOException {
        if (user.dropFromRoot()) {
            Files.setAttribute(socket, "unix:uid", hostUid.orElse(user.uid()));
            Files.setAttribute(socket, "unix:gid", hostUid.orElse(user.gid()));
        }
    }

    private static void removeQuietly(SandboxCgroup cgroup, String sandboxId) {
        try {
            cgroup.remove();
        } catch (IOException e) {
            LOG.error("sandbox {}: cannot remove its cgroup {}", sandboxId, cgroup, e);
        }
    }

    /** Runs {@code /usr/bin/true} in a sandbox with every namespace; empty when that works, else the fix. */
    private Optional<String> trySandbox() {
        List<String> argv = new ArrayList<>();
        if (user.dropFromRoot()) {
            argv.addAll(List.of(tools.setpriv().orElseThrow().toString(), "--reuid=" + user.uid(),
                    "--regid=" + user.gid(), "--clear-groups", "--no-new-privs", "--"));
        }
        argv.addAll(List.of(tools.bwrap().orElseThrow().toString(), "--unshare-user", "--unshare-ipc", "--unshare-pid",
                "--unshare-net", "--unshare-uts", "--disable-userns", "--die-with-parent", "--cap-drop", "ALL",
                "--proc", "/proc"));
        try {
            argv.addAll(BwrapCommand.systemDirectories());
            argv.addAll(List.of("--", "/usr/bin/true"));
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(
                    ProcessBuilder.Redirect.from(DEV_NULL)).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
            if (!process.waitFor(PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.of("bubblewrap: a test sandbox did not finish within " + PROBE_WAIT);
            }
            return process.exitValue() == 0 ? Optional.empty() : Optional.of("user namespaces: bubblewrap failed ("
                    + output + "); allow unprivileged user namespaces: sysctl -w user.max_user_namespaces=15000 "
                    + "kernel.unprivileged_userns_clone=1 kernel.apparmor_restrict_unprivileged_userns=0");
        } catch (IOException e) {
            return Optional.of("bubblewrap: cannot run " + argv.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("bubblewrap: interrupted while probing");
        }
    }

    private static String bwrapVersion(Path bwrap) {
        try {
            Process process = new ProcessBuilder(bwrap.toString(), "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
            process.waitFor(PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return output.isEmpty() ? "bubblewrap (unknown version)" : output;
        } catch (IOException e) {
            return "bubblewrap (cannot run " + bwrap + ": " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "bubblewrap (interrupted)";
        }
    }

    private static RuntimeApiAddress.UnixSocket unixSocket(RuntimeApiAddress address) {
        return switch (address) {
            case RuntimeApiAddress.UnixSocket socket -> socket;
            case RuntimeApiAddress.Tcp tcp -> throw new IllegalArgumentException(
                    "the namespace backend offers the Runtime API over a unix socket, not TCP: " + tcp.hostPort());
        };
    }
}
