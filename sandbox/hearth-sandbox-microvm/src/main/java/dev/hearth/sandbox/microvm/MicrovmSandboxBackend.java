package dev.hearth.sandbox.microvm;

import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code microvm} backend: each sandbox is one {@code qemu-system-x86_64 -M microvm} guest
 * (Firecracker's model on QEMU), controlled over QMP.
 *
 * <p>Inside the guest: the function code at {@code /var/task}, the runtime files at
 * {@code /var/runtime} and the merged layers at {@code /opt} (read-only ext4 images cached by
 * content: every VM of one layer list shares one image, built once), the host's runtimes under
 * {@code /usr} (read-only system image), a private {@code /tmp} (tmpfs of the ephemeral storage
 * size), and the Runtime API at {@code 127.0.0.1:9001}, carried to the worker's unix socket by
 * QEMU's user-mode network. Guest memory is the function's memory size, vCPUs follow Lambda's
 * memory rule. The function runs as {@code sbx_user1051} (uid 993, gid 990, as in Lambda), not as
 * the guest's root.
 *
 * <p>Network: with {@link SandboxSpec#networkAccess()} (Lambda's default) the guest reaches outside
 * networks over IPv4 under {@link MicrovmConfig#outbound()} (nftables rules in QEMU's namespace:
 * no address of the host, no private range the policy does not allow; {@link OutboundNetwork}),
 * and never the host's loopback services: QEMU runs in a network namespace of
 * its own ({@code unshare --net} as root, else in a new user namespace too), which slirp4netns
 * ({@code --disable-host-loopback}) connects to the host's stack, and QEMU's user network runs
 * unrestricted inside it. QEMU maps the guest's gateway 10.0.2.2 to the loopback of the namespace
 * it runs in, so without the namespace it would be the host's 127.0.0.1 (the escape suite found
 * that); in the namespace nothing listens there. The guest's DNS server 10.0.2.3 is QEMU's, which
 * forwards to the first {@code nameserver} of the host's {@code /etc/resolv.conf}, reached from the
 * namespace through slirp4netns: a nameserver on the host's loopback (e.g. systemd-resolved's
 * 127.0.0.53) is therefore unreachable and guest name resolution fails on such hosts. The namespace
 * and slirp4netns cost each launch (and each restore of such a snapshot) a few milliseconds;
 * slirp4netns ends with its VM. Without network access the user network is {@code restrict=on}: no
 * namespace, no slirp4netns, nothing but the Runtime API.
 *
 * <p>It saves and restores VMs (the SnapStart idea): through the SPI as {@link #snapshots()}, and
 * with its own types as {@link #launchForSnapshot}, {@link #snapshot}, {@link #restore} and
 * {@link #delete}.
 *
 * <p>Threading: thread-safe; launches run concurrently. Ownership: it kills every VM it started on
 * {@link #close()} and deletes the snapshots it saved that were not deleted yet. The guest image is
 * built on first use (or by {@link #guestImage()}).
 */
public final class MicrovmSandboxBackend implements SandboxBackend {
    private static final Logger LOG = LoggerFactory.getLogger(MicrovmSandboxBackend.class);
    /** Where the guest sees the Runtime API. */
    public static final String GUEST_RUNTIME_API = "127.0.0.1:9001";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_SOCKET_PATH = 107;
    /** Whether Hearth runs as root, which decides how QEMU gets a network namespace ({@link OutboundNetwork}). */
    private static final boolean HOST_ROOT = OutboundNetwork.hostRoot();

    private final MicrovmConfig config;
    private final InstantSource clock;
    private final ContentImageCache images;
    private final Set<MicrovmSandbox> running = ConcurrentHashMap.newKeySet();
    private final Set<MicrovmSnapshot> saved = ConcurrentHashMap.newKeySet();
    private final MicrovmSnapshots snapshots = new MicrovmSnapshots(this);
    private volatile boolean closed;
    private GuestImage guest;
    private AcceleratorProbe.Result acceleratorChoice;

    public MicrovmSandboxBackend(MicrovmConfig config) {
        this(config, InstantSource.system());
    }

    /** @param clock the time told to guests after boot and restore */
    public MicrovmSandboxBackend(MicrovmConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.images = new ContentImageCache(config.cacheDir().resolve("images"));
    }

    @Override
    public String name() {
        return "microvm";
    }

    @Override
    public HostSupport probe() {
        List<String> missing = new ArrayList<>();
        String qemuVersion = "";
        for (Map.Entry<List<String>, String> tool : Map.of(
                List.of(config.qemuBinary(), "--version"), "QEMU: apt-get install qemu-system-x86",
                List.of("socat", "-V"), "socat (Runtime API forwarder): apt-get install socat",
                List.of("slirp4netns", "--version"), "slirp4netns (outbound network): apt-get install slirp4netns",
                List.of("mkfs.ext4", "-V"), "mkfs.ext4: apt-get install e2fsprogs",
                List.of("xz", "--version"), "xz: apt-get install xz-utils").entrySet()) {
            try {
                String out = HostCommand.run(tool.getKey(), Duration.ofSeconds(10));
                if (tool.getKey().getFirst().equals(config.qemuBinary())) {
                    qemuVersion = out.lines().findFirst().orElse("").replace("QEMU emulator version ", "QEMU ");
                }
            } catch (IOException e) {
                missing.add(tool.getValue() + " (" + e.getMessage() + ")");
            }
        }
        missing.addAll(OutboundNetwork.missingTools());
        if (!Files.isRegularFile(Path.of("/bin/busybox"))) {
            missing.add("static busybox: apt-get install busybox-static");
        }
        String kernel = "";
        try {
            kernel = new GuestImageBuilder(config.cacheDir(), config.contents()).newestKernel().getFileName().toString();
        } catch (IOException e) {
            missing.add("guest kernel: apt-get install linux-image-amd64 (" + e.getMessage() + ")");
        }
        for (Path tree : config.contents().trees()) {
            if (!Files.exists(tree)) {
                missing.add("guest contents " + tree + " missing on this host");
            }
        }
        if (!missing.isEmpty()) {
            return HostSupport.unusable("microvm: missing tools", missing);
        }
        AcceleratorProbe.Result choice;
        try {
            choice = acceleratorChoice();
        } catch (IOException e) {
            return HostSupport.unusable("microvm: accelerator probe failed", List.of(e.getMessage()));
        }
        String summary = qemuVersion + ", " + kernel + ", accelerator " + choice.accelerator().qemuName() + " ("
                + choice.reason() + ")";
        LOG.info("microvm backend: {}", summary);
        return HostSupport.usable(summary);
    }

    @Override
    public RuntimeApiTransport runtimeApiTransport() {
        return RuntimeApiTransport.UNIX_SOCKET;
    }

    @Override
    public SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi) {
        return new SandboxView("/var/task", "/var/runtime", "/tmp", GUEST_RUNTIME_API);
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws SandboxLaunchException {
        return start(spec, false);
    }

    /** Snapshots are supported (on KVM and TCG alike). */
    @Override
    public Optional<SandboxSnapshots> snapshots() {
        return Optional.of(snapshots);
    }

    /**
     * Launches like {@link #launch} with the guest RAM in a shared file under the memory directory,
     * so that the VM can later be {@link #snapshot saved}.
     */
    public MicrovmSandbox launchForSnapshot(SandboxSpec spec) throws SandboxLaunchException {
        return start(spec, true);
    }

    /**
     * Saves a VM started by {@link #launchForSnapshot} (typically once its runtime has initialised
     * and waits on the Runtime API) and then kills it: its RAM file becomes the snapshot's. Takes a
     * few tens of milliseconds: the RAM is not copied, only device state is written.
     *
     * <p>Just before saving, the guest's Runtime API forwarder stops taking connections (the VM
     * is killed after the save anyway). Connections through the Runtime API open at that moment are
     * not carried into clones (their host ends belong to the killed VM): on restore the guest
     * closes them, and only them, so a runtime blocked on one (e.g. a held {@code /next}) sees the
     * connection closed and must open a new one. Snapshot while the runtime has no request in
     * flight to avoid that.
     *
     * <p>The saved VM's {@link MicrovmSandbox#exit()} completes as for {@link MicrovmSandbox#kill()}
     * (status 137, killed), also when saving fails.
     *
     * @param snapshotDir an empty or absent directory for the device state and initramfs
     * @throws IllegalArgumentException for a VM not started by {@link #launchForSnapshot}, or a
     *     directory that is not empty (the VM keeps running)
     * @throws IOException when the VM has already exited or its state could not be saved; the VM is
     *     killed, its RAM file and the partly written files in {@code snapshotDir} deleted
     */
    public MicrovmSnapshot snapshot(MicrovmSandbox sandbox, Path snapshotDir) throws IOException {
        if (!(sandbox.memory() instanceof GuestMemory.SharedFile(Path ramFile))) {
            throw new IllegalArgumentException(sandbox.id() + " was not started by launchForSnapshot");
        }
        if (Files.isDirectory(snapshotDir)) {
            try (Stream<Path> entries = Files.list(snapshotDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("snapshot directory " + snapshotDir + " is not empty");
                }
            }
        }
        if (sandbox.exit().isDone()) {
            throw new IOException("cannot save " + sandbox.id() + ": it has exited (" + sandbox.exit().join() + ")");
        }
        try {
            return save(sandbox, ramFile, snapshotDir);
        } catch (IOException | RuntimeException e) {
            sandbox.kill();
            sandbox.exit().join();
            for (String partial : List.of("state.bin", "initramfs.cpio")) {
                deleteQuietly(snapshotDir.resolve(partial));
            }
            throw e;
        }
    }

    private MicrovmSnapshot save(MicrovmSandbox sandbox, Path ramFile, Path snapshotDir) throws IOException {
        Files.createDirectories(snapshotDir);
        MicrovmSnapshot snapshot = new MicrovmSnapshot(snapshotDir.toAbsolutePath(), ramFile, sandbox.guest(),
                sandbox.files().taskImage(), sandbox.files().runtimeImage(), sandbox.files().optImage(), sandbox.shape());
        try {
            sandbox.prepareSave(MIGRATION_TIMEOUT);
            sandbox.vmm().save(snapshot.stateFile(), ramFile, MIGRATION_TIMEOUT);
        } catch (IOException e) {
            throw new IOException("snapshot of " + sandbox.id() + " failed (the VM is killed): " + e.getMessage(), e);
        }
        Files.copy(sandbox.files().initramfs(), snapshot.initramfs());
        sandbox.handOverMemory();
        saved.add(snapshot);
        sandbox.kill();
        sandbox.exit().join();
        return snapshot;
    }

    /**
     * Deletes a snapshot's files (RAM file, device state, initramfs); clones already restored from
     * it keep running on their private mapping of the RAM.
     */
    public void delete(MicrovmSnapshot snapshot) throws IOException {
        snapshot.delete();
        saved.remove(snapshot);
    }

    /**
     * Starts a clone of a snapshot: the same guest, resumed where it was saved, with its clock
     * resynchronised. From {@code spec} only the id, scratch directory and Runtime API socket are
     * used (command, environment and code are the snapshot's); its memory must match the snapshot.
     * The clone's guest reaches the Runtime API socket of {@code spec} (QEMU's forwarder is set up
     * anew for each clone); vCPUs, {@code /tmp} size and network access are the snapshot's: clones of
     * a VM launched with network access get a network namespace and slirp4netns of their own, as it
     * had. Outbound connections open when the snapshot was taken are not carried into clones.
     *
     * @throws SandboxLaunchException for another memory size, a deleted snapshot, or a clone that
     *     failed to start (nothing is left running)
     */
    public MicrovmSandbox restore(MicrovmSnapshot snapshot, SandboxSpec spec) throws SandboxLaunchException {
        if (spec.limits().memoryMb() != snapshot.memoryMb()) {
            throw new SandboxLaunchException("snapshot has " + snapshot.memoryMb() + " MB, spec asks for "
                    + spec.limits().memoryMb() + " MB");
        }
        if (!snapshot.present()) {
            throw new SandboxLaunchException("snapshot " + snapshot.dir() + " (RAM " + snapshot.ramFile()
                    + ") has been deleted");
        }
        Path scratch = spec.scratchDir();
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new SandboxLaunchException("cannot create scratch directory " + scratch, e);
        }
        QemuCommandLine.VmFiles files = vmFiles(spec, snapshot.initramfs(), snapshot.taskImage(), snapshot.runtimeImage(),
                snapshot.optImage());
        GuestMemory memory = new GuestMemory.PrivateCopyOf(snapshot.ramFile());
        long start = System.nanoTime();
        return boot(spec.sandboxId(), snapshot.guest(), scratch, snapshot.shape(), files, memory, true,
                "restored from " + snapshot.dir(),
                sandbox -> {
                    long connected = System.nanoTime();
                    sandbox.vmm().load(snapshot.stateFile(), snapshot.ramFile(), MIGRATION_TIMEOUT);
                    sandbox.startControl();
                    long migrated = System.nanoTime();
                    sandbox.vmm().resume();
                    sandbox.syncClock();
                    sandbox.sendControl("restored");
                    LOG.debug("microvm {} restored in {} ms: QEMU up {} ms, device state loaded {} ms", spec.sandboxId(),
                            (System.nanoTime() - start) / 1_000_000, (connected - start) / 1_000_000,
                            (migrated - connected) / 1_000_000);
                });
    }

    /** The guest (kernel, initramfs, system image), built on first call and cached on disk. */
    public synchronized GuestImage guestImage() throws IOException {
        if (guest == null) {
            guest = new GuestImageBuilder(config.cacheDir().resolve("guest"), config.contents()).build();
        }
        return guest;
    }

    /** The accelerator in use: the configured one, or KVM if a trial boot works and TCG otherwise. */
    public Accelerator accelerator() throws IOException {
        return acceleratorChoice().accelerator();
    }

    private synchronized AcceleratorProbe.Result acceleratorChoice() throws IOException {
        if (acceleratorChoice == null) {
            acceleratorChoice = config.accelerator().isPresent()
                    ? new AcceleratorProbe.Result(config.accelerator().get(), "configured")
                    : AcceleratorProbe.probe(config.qemuBinary(),
                            new GuestImageBuilder(config.cacheDir(), config.contents()).newestKernel(),
                            config.cacheDir().resolve("probe"));
        }
        return acceleratorChoice;
    }

    /** Number of VMs running now. */
    public int runningCount() {
        return running.size();
    }

    @Override
    public void close() {
        closed = true;
        for (MicrovmSandbox sandbox : running) {
            sandbox.kill();
        }
        for (MicrovmSnapshot snapshot : saved) {
            try {
                delete(snapshot);
            } catch (IOException e) {
                LOG.warn("cannot delete snapshot {} on close", snapshot.dir(), e);
            }
        }
    }

    private MicrovmSandbox start(SandboxSpec spec, boolean forSnapshot) throws SandboxLaunchException {
        GuestImage image;
        MicrovmShape shape;
        QemuCommandLine.VmFiles files;
        try {
            image = guestImage();
            shape = new MicrovmShape(spec.limits().memoryMb(), Math.max(1, (int) Math.ceil(spec.limits().vcpus())),
                    accelerator(), spec.networkAccess(), HostCpu.tscKhz());
            Files.createDirectories(spec.scratchDir());
            Path initramfs = spec.scratchDir().resolve("initramfs.cpio");
            Files.deleteIfExists(initramfs);
            LaunchFiles.writeInitramfs(image.initramfs(), spec, initramfs);
            files = vmFiles(spec, initramfs, images.imageOf(spec.taskRoot(), "hearth-task"),
                    images.imageOf(spec.runtimeRoot(), "hearth-runtime"),
                    images.imageOf(spec.optRoot().isPresent() ? spec.optRoot().get() : emptyOpt(), "hearth-opt"));
        } catch (IOException e) {
            throw new SandboxLaunchException("microvm " + spec.sandboxId() + ": cannot prepare the guest: " + e.getMessage(), e);
        }
        GuestMemory memory = new GuestMemory.Anonymous();
        if (forSnapshot) {
            try {
                Files.createDirectories(config.memoryDir());
            } catch (IOException e) {
                throw new SandboxLaunchException("cannot create memory directory " + config.memoryDir(), e);
            }
            memory = new GuestMemory.SharedFile(config.memoryDir().resolve(spec.sandboxId() + "-" + System.nanoTime() + ".ram"));
        }
        return boot(spec.sandboxId(), image, spec.scratchDir(), shape, files, memory, false, "booted", sandbox -> {
            sandbox.startControl();
            sandbox.vmm().resume();
        });
    }

    /** An empty directory whose image is every layer-less VM's {@code /opt}. */
    private Path emptyOpt() throws IOException {
        Path empty = config.cacheDir().resolve("empty-opt");
        Files.createDirectories(empty);
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwxr-xr-x"));
        return empty;
    }

    private QemuCommandLine.VmFiles vmFiles(SandboxSpec spec, Path initramfs, Path taskImage, Path runtimeImage,
            Path optImage) throws SandboxLaunchException {
        if (!(spec.runtimeApi() instanceof RuntimeApiAddress.UnixSocket(Path apiSocket))) {
            throw new SandboxLaunchException("microvm needs a unix-socket Runtime API, got " + spec.runtimeApi());
        }
        Path scratch = spec.scratchDir().toAbsolutePath();
        QemuCommandLine.VmFiles files = new QemuCommandLine.VmFiles(initramfs, taskImage, runtimeImage, optImage,
                scratch.resolve("qmp.sock"), scratch.resolve("control.sock"), scratch.resolve("console.log"),
                apiSocket.toAbsolutePath(), scratch.resolve("forwarder.log"));
        for (Path socket : List.of(files.qmpSocket(), files.controlSocket(), files.runtimeApiSocket())) {
            if (socket.toString().length() > MAX_SOCKET_PATH) {
                throw new SandboxLaunchException("unix socket path too long (" + socket.toString().length() + " > "
                        + MAX_SOCKET_PATH + "): " + socket);
            }
        }
        return files;
    }

    /** Something to do with a freshly started (paused) QEMU before the sandbox is handed out. */
    @FunctionalInterface
    private interface StartStep {
        void run(MicrovmSandbox sandbox) throws IOException;
    }

    private MicrovmSandbox boot(String id, GuestImage image, Path scratch, MicrovmShape shape,
            QemuCommandLine.VmFiles files, GuestMemory memory, boolean incoming, String origin, StartStep step)
            throws SandboxLaunchException {
        if (closed) {
            throw new SandboxLaunchException("the microvm backend is closed");
        }
        try {
            Files.deleteIfExists(files.qmpSocket());
            Files.deleteIfExists(files.controlSocket());
        } catch (IOException e) {
            throw new SandboxLaunchException("microvm " + id + ": " + e.getMessage(), e);
        }
        List<String> argv = new ArrayList<>();
        if (shape.networkAccess()) {
            argv.addAll(OutboundNetwork.namespaceCommand(HOST_ROOT));
        }
        argv.addAll(QemuCommandLine.build(config.qemuBinary(), image, shape, files, memory, incoming));
        Path qemuLog = scratch.resolve("qemu.log");
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(qemuLog.toFile()))
                    .start();
        } catch (IOException e) {
            throw new SandboxLaunchException("cannot start " + argv.getFirst() + ": " + e.getMessage(), e);
        }
        MicrovmSandbox sandbox = null;
        try {
            // QEMU starts paused: slirp4netns sets up its namespace while QEMU initialises, and is
            // ready before the guest runs; it ends when QEMU does, however QEMU ends
            OutboundNetwork network = null;
            if (shape.networkAccess()) {
                network = OutboundNetwork.attach(process, HOST_ROOT, scratch.resolve("slirp4netns.log"), START_TIMEOUT,
                        OutboundNetwork.ruleset(config.outbound()));
                process.onExit().thenRun(network::close);
            }
            SocketChannel qmpChannel = UnixSockets.connectWhenReady(files.qmpSocket(), process, START_TIMEOUT);
            VmmControl vmm = new QemuVmmControl(QmpClient.open(qmpChannel));
            SocketChannel control = UnixSockets.connectWhenReady(files.controlSocket(), process, START_TIMEOUT);
            sandbox = new MicrovmSandbox(id, process, vmm, control, image, shape, files, memory, origin, clock,
                    running::remove);
            running.add(sandbox);
            if (closed) {
                throw new IOException("the microvm backend was closed during the launch");
            }
            if (network != null) {
                network.awaitReady(START_TIMEOUT);
            }
            step.run(sandbox);
            return sandbox;
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            if (sandbox != null) {
                sandbox.exit().join();
            } else {
                process.onExit().join();
                if (memory instanceof GuestMemory.SharedFile(Path file)) {
                    deleteQuietly(file);
                }
            }
            throw new SandboxLaunchException("microvm " + id + " failed to start: " + e.getMessage() + qemuLogTail(qemuLog), e);
        }
    }

    private static String qemuLogTail(Path qemuLog) {
        try {
            List<String> lines = Files.readAllLines(qemuLog);
            return lines.isEmpty() ? "" : "; QEMU said: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "; no QEMU log (" + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}", file, e);
        }
    }
}
