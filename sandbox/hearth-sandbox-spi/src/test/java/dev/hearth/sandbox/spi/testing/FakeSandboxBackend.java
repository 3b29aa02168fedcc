package dev.hearth.sandbox.spi.testing;

import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link SandboxBackend} without processes, for fast tests of what sits above the SPI (the
 * worker's pool, keep-alive, capacity and provisioned concurrency). Each "sandbox" is a
 * {@link FakeSandbox}: one virtual thread in this JVM acting as the function's runtime, which speaks
 * Lambda's Runtime API over real sockets to the listener named in {@link SandboxSpec#runtimeApi()},
 * over the {@link RuntimeApiTransport} this backend declares (TCP loopback by default, or a unix
 * socket). The worker above it therefore runs its real Runtime API server, state machine and log
 * pump; only the runtime is scripted.
 *
 * <p>What each sandbox does is a {@link FakeRuntime} script chosen per launch by
 * {@link #runtime(Function)} (by default {@link FakeRuntime#echo()}): its handler as a Java function
 * of the event, an Init delay, an Init that fails, exits or hangs, a crash or exit with a code, a
 * hang, and the memory it reports. What happened is observable: {@link #launched()} in launch order,
 * each sandbox's {@link FakeSandbox#isAlive()}, {@link FakeSandbox#wasKilled()} and its events; tests
 * may also {@link FakeSandbox#crash} one, {@link #refuseLaunches refuse launches}, and turn on
 * {@link #withSnapshots() snapshots} (images are small files; a restored sandbox's runtime skips Init).
 *
 * <p>Contract, as far as it goes without processes: {@link #launch} returns at once with the runtime
 * starting; {@link Sandbox#kill()} is idempotent and ends a sandbox with status 137, {@code killed};
 * a runtime that exits ends its sandbox with its status; {@link Sandbox#output()} reaches EOF after a
 * sandbox ended; {@link #close()} kills every sandbox still running and refuses later launches. The
 * {@link SandboxView} shows the host paths ({@code tmpDir} is {@code scratchDir/tmp}) and, for TCP,
 * the listener's {@code host:port}; for a unix socket, {@value #RUNTIME_API_INSIDE} as isolating
 * backends show it (the fake's runtimes connect to the host-side socket itself).
 *
 * <p>The SPI's contract suites do not run against it, by design: {@code SandboxBackendContract},
 * {@code SandboxEscapeContract} and {@code SandboxSnapshotsContract} launch {@code /bin/sh} and
 * {@code python3} commands and check what only a real process tree has (exit statuses of signals,
 * the environment seen in {@code /proc/self/environ}, read-only task roots, private {@code /tmp},
 * killing grandchildren, peak memory of real allocations, escapes). A fake never runs
 * {@link SandboxSpec#command()}. The parts of those contracts that hold for it (kill, exit, EOF,
 * close, reaching the Runtime API, snapshots' save/restore/delete rules) are checked by its own test,
 * {@code TestFakeSandboxBackend}.
 *
 * <p>Threading: thread-safe, like every backend. Ownership: owns its fake sandboxes; {@link #close()}
 * kills them.
 */
public final class FakeSandboxBackend implements SandboxBackend {
    /** The name it reports. */
    public static final String NAME = "fake";
    /** The Runtime API address shown inside for the unix-socket transport. */
    public static final String RUNTIME_API_INSIDE = "127.0.0.1:9001";

    private final RuntimeApiTransport transport;
    private final List<FakeSandbox> launched = new CopyOnWriteArrayList<>();
    private final FakeSnapshots snapshots = new FakeSnapshots(this);
    private volatile Function<SandboxSpec, FakeRuntime> runtimes = spec -> FakeRuntime.echo();
    private volatile Optional<String> refusal = Optional.empty();
    private volatile boolean snapshotsOffered;
    private volatile boolean closed;

    /** A backend whose sandboxes reach the Runtime API over TCP loopback, like the {@code process} backend. */
    public FakeSandboxBackend() {
        this(RuntimeApiTransport.TCP_LOOPBACK);
    }

    public FakeSandboxBackend(RuntimeApiTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Every later launch plays {@code runtime}. Returns this backend. */
    public FakeSandboxBackend runtime(FakeRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        return runtime(spec -> runtime);
    }

    /**
     * Each later launch plays the runtime {@code choose} picks for its spec (for example by
     * {@code spec.environment().get("AWS_LAMBDA_FUNCTION_NAME")}, which the worker sets). Returns this
     * backend.
     */
    public FakeSandboxBackend runtime(Function<SandboxSpec, FakeRuntime> choose) {
        this.runtimes = Objects.requireNonNull(choose, "choose");
        return this;
    }

    /** Later launches fail with a {@link SandboxLaunchException} saying {@code reason}. */
    public void refuseLaunches(String reason) {
        refusal = Optional.of(reason);
    }

    /** Later launches succeed again. */
    public void acceptLaunches() {
        refusal = Optional.empty();
    }

    /** Offers {@link #snapshots()} from now on. Returns this backend. */
    public FakeSandboxBackend withSnapshots() {
        snapshotsOffered = true;
        return this;
    }

    /** Every sandbox launched or restored so far, in that order, ended ones included. */
    public List<FakeSandbox> launched() {
        return List.copyOf(launched);
    }

    /** The sandboxes that have not ended. */
    public List<FakeSandbox> alive() {
        return launched.stream().filter(FakeSandbox::isAlive).toList();
    }

    /** The sandbox launched with {@code sandboxId}, if any. */
    public Optional<FakeSandbox> sandbox(String sandboxId) {
        return launched.stream().filter(s -> s.id().equals(sandboxId)).findFirst();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    // ---- SandboxBackend --------------------------------------------------------------------------

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HostSupport probe() {
        return HostSupport.usable("fake: in-JVM runtimes on virtual threads, no processes, NO isolation");
    }

    @Override
    public RuntimeApiTransport runtimeApiTransport() {
        return transport;
    }

    @Override
    public SandboxView view(Path taskRoot, Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi) {
        requireTransport(runtimeApi);
        String inside = switch (runtimeApi) {
            case RuntimeApiAddress.Tcp tcp -> tcp.hostPort();
            case RuntimeApiAddress.UnixSocket _ -> RUNTIME_API_INSIDE;
        };
        return new SandboxView(taskRoot.toString(), runtimeRoot.toString(), scratchDir.resolve("tmp").toString(), inside);
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws SandboxLaunchException {
        return start(spec, launchRuntime(spec), false, false);
    }

    @Override
    public Optional<SandboxSnapshots> snapshots() {
        return snapshotsOffered ? Optional.of(snapshots) : Optional.empty();
    }

    @Override
    public void close() {
        closed = true;
        launched.forEach(FakeSandbox::kill);
    }

    /** Starts a fake sandbox playing {@code runtime}; {@code restored} skips its Init. */
    FakeSandbox start(SandboxSpec spec, FakeRuntime runtime, boolean forSnapshot, boolean restored)
            throws SandboxLaunchException {
        Objects.requireNonNull(runtime, "the runtime chosen for " + spec.sandboxId());
        requireTransport(spec.runtimeApi());
        if (closed) {
            throw new SandboxLaunchException("fake backend is closed; cannot launch " + spec.sandboxId());
        }
        Optional<String> refused = refusal;
        if (refused.isPresent()) {
            throw new SandboxLaunchException("fake backend refused " + spec.sandboxId() + ": " + refused.get());
        }
        FakeSandbox sandbox = new FakeSandbox(spec, runtime, forSnapshot, restored);
        launched.add(sandbox);
        sandbox.start();
        return sandbox;
    }

    /** The runtime a new sandbox of {@code spec} plays. */
    FakeRuntime launchRuntime(SandboxSpec spec) {
        return runtimes.apply(spec);
    }

    /** Whether {@code sandbox} is one of this backend's. */
    boolean owns(Sandbox sandbox) {
        return sandbox instanceof FakeSandbox fake && launched.contains(fake);
    }

    private void requireTransport(RuntimeApiAddress address) {
        boolean matches = switch (address) {
            case RuntimeApiAddress.Tcp _ -> transport == RuntimeApiTransport.TCP_LOOPBACK;
            case RuntimeApiAddress.UnixSocket _ -> transport == RuntimeApiTransport.UNIX_SOCKET;
        };
        if (!matches) {
            throw new IllegalArgumentException("this fake backend's Runtime API transport is " + transport + ", not " + address);
        }
    }
}
