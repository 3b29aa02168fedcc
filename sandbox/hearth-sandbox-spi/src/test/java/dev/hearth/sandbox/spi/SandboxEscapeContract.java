package dev.hearth.sandbox.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.sandbox.spi.SandboxBackendContract.Launched;
import dev.hearth.sandbox.spi.SandboxBackendContract.OutputCollector;
import dev.hearth.sandbox.spi.SandboxBackendContract.Prepared;
import dev.hearth.sandbox.spi.SandboxBackendContract.RuntimeApiListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escape suite of the isolation issue as a contract every isolating {@link SandboxBackend} runs
 * ({@code TestNamespaceEscapes extends SandboxEscapeContract}). Function code (python3 or sh inside
 * the sandbox) tries to get out and must fail; every case asserts what the code observed <em>and</em>
 * the host's state afterwards:
 * <ul>
 *   <li>{@link #staticEscapesFailAndLeaveTheHostAndOtherSandboxesUntouched}: one sandbox probes, in
 *       order, reading host files outside its view (a file in a host directory standing for the
 *       Hearth data dir, its directory listing, {@code /etc/shadow}), writing to the root file system,
 *       {@code /usr}, the task and runtime roots, connecting to a service on the host's loopback,
 *       seeing and signalling a host {@code sleep} process and the processes of a second sandbox
 *       running at the same time, and finally {@code kill(-1, SIGKILL)}: the host process, the
 *       other sandbox and the host's files survive, the host service accepted nothing;</li>
 *   <li>{@link #hostLoopbackIsUnreachableEvenWithNetworkAccess}: the same loopback probe with the
 *       outside network allowed;</li>
 *   <li>{@link #hostNonLoopbackAddressesAreUnreachableWithNetworkAccess}: a service on the host's
 *       {@code 0.0.0.0} is unreachable at every non-loopback IPv4 address of the host;</li>
 *   <li>{@link #publicPeerIsReachablePrivatePeerOnlyWhenAllowedHostNever}: with a {@link PeerNetwork}
 *       (root only), its public TEST-NET address answers, its private one only on a backend whose
 *       {@link OutboundPolicy} allows that range, and the host's own addresses on the same ranges
 *       never;</li>
 *   <li>{@link #exceedingMemoryKillsTheSandboxAndReportsOutOfMemory};</li>
 *   <li>{@link #forkBombIsContained}: the host's process table grows by at most the process limit,
 *       the host can still fork, the sandbox is killed cleanly;</li>
 *   <li>{@link #fillingTmpStopsAtItsSizeWithEnospc}: ENOSPC inside, no file larger than the limit on
 *       the host;</li>
 *   <li>{@link #runningPastTheDeadlineIsEndedByKill}: kill ends everything, no host process of the
 *       sandbox remains.</li>
 * </ul>
 * Probes that cannot harm each other share one sandbox, so that backends with slow starts (emulated
 * microVMs) pay for few boots: the whole suite launches ten sandboxes.
 *
 * <p>Backend differences are declared, not skipped: {@link #traits()} says e.g. that a microVM's
 * root file system is the guest's own memory (writes there succeed but never reach the host) or that
 * its guest kernel, not a pids limit, contains a fork bomb; the contract then still asserts the
 * security property on the host side. Writes are probed by opening files, never by changing them,
 * so a broken backend cannot damage the host running the suite.
 *
 * <p>Subclasses implement {@link #createBackend(Path)} and may override {@link #traits()},
 * {@link #patience()} and {@link #hostProcessesOf(Launched)}; they may add backend-specific cases with
 * {@link #prepare()} and {@link #launch}. The cases are overridable only so that a subclass can mark a
 * known, reported escape {@code @Disabled("...")} with its reason (delegating to {@code super}); a
 * case is never overridden to weaken it.
 */
public abstract class SandboxEscapeContract {

    /** The environment of every sandbox the suite launches. */
    protected static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");
    /** Text of the file in every task root. */
    protected static final String HANDLER_TEXT = "print('handler')";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    private Path tempDir;

    private Path workDir;
    private Path taskRoot;
    private Path runtimeRoot;
    private SandboxBackend backend;
    private final List<Launched> launched = new CopyOnWriteArrayList<>();
    private final List<RuntimeApiListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Process> hostProcesses = new CopyOnWriteArrayList<>();

    /**
     * What differs between backends without weakening the security property the contract checks.
     *
     * @param privateWritableRoot the root file system outside {@code /usr} and the task, runtime and
     *     tmp directories is the sandbox's own memory (a microVM's initramfs): code may create files
     *     there, and the contract only checks that nothing reaches the host
     * @param forkBomb what stops a fork bomb
     */
    public record EscapeTraits(boolean privateWritableRoot, ForkBombContainment forkBomb) {
        /** Read-only root, a process limit: namespaces and gVisor. */
        public static final EscapeTraits CONTAINER = new EscapeTraits(false, ForkBombContainment.PROCESS_LIMIT);
    }

    /** What contains a fork bomb inside a sandbox. */
    public enum ForkBombContainment {
        /** {@link ResourceLimits#maxProcesses()} is enforced: fork fails with EAGAIN at the limit. */
        PROCESS_LIMIT,
        /**
         * The sandbox has its own kernel (a microVM): forks are processes of the guest only, the
         * guest may not enforce {@link ResourceLimits#maxProcesses()}, and the host sees none of them.
         */
        GUEST_KERNEL
    }

    /**
     * Creates the backend under test.
     *
     * @param workDir an empty directory the backend may use for its own files
     */
    protected abstract SandboxBackend createBackend(Path workDir);

    /**
     * Creates a second backend of the kind under test whose sandboxes follow {@code outbound} (the
     * first follows {@link OutboundPolicy#DEFAULT}).
     *
     * @param workDir an empty directory the backend may use for its own files
     */
    protected abstract SandboxBackend createBackend(Path workDir, OutboundPolicy outbound);

    /** The backend's differences; {@link EscapeTraits#CONTAINER} unless overridden. */
    protected EscapeTraits traits() {
        return EscapeTraits.CONTAINER;
    }

    /** Longest wait for anything one sandbox does; raise it for emulated microVMs. */
    protected Duration patience() {
        return Duration.ofSeconds(30);
    }

    /**
     * The host processes that make up a running sandbox (its VMM, runtime or function processes as
     * the host sees them). The default: every process whose command line names the sandbox's id or
     * scratch directory, and their descendants.
     */
    protected Set<ProcessHandle> hostProcessesOf(Launched run) {
        String id = run.sandbox().id();
        String scratch = run.prepared().scratchDir().toString();
        Set<ProcessHandle> result = new LinkedHashSet<>();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(process -> process.info().commandLine()
                            .filter(line -> line.contains(id) || line.contains(scratch)).isPresent())
                    .forEach(process -> {
                        result.add(process);
                        try (Stream<ProcessHandle> descendants = process.descendants()) {
                            descendants.forEach(result::add);
                        }
                    });
        }
        result.removeIf(process -> !process.isAlive());
        return result;
    }

    @BeforeEach
    final void openBackend() throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        workDir = tempDir.toRealPath();
        taskRoot = Files.createDirectories(workDir.resolve("task"));
        Files.writeString(taskRoot.resolve("handler.py"), HANDLER_TEXT);
        runtimeRoot = Files.createDirectories(workDir.resolve("runtime"));
        Files.writeString(runtimeRoot.resolve("bootstrap"), "#!/bin/sh\n");
        backend = createBackend(Files.createDirectories(workDir.resolve("backend")));
    }

    @AfterEach
    final void closeBackend() {
        try {
            backend.close();
            for (Launched each : launched) {
                assertThat(each.sandbox().exit())
                        .as("sandbox %s still running after its backend closed", each.sandbox().id())
                        .succeedsWithin(patience());
            }
        } finally {
            listeners.forEach(RuntimeApiListener::close);
            hostProcesses.forEach(Process::destroyForcibly);
        }
    }

    /** The backend under test. */
    protected final SandboxBackend backend() {
        return backend;
    }

    /** The host directory standing for Hearth's data directory (never exposed to sandboxes). */
    protected final Path workDir() {
        return workDir;
    }

    /** Opens a Runtime API listener and asks the backend for the view of a new sandbox. */
    protected final Prepared prepare() throws IOException {
        String id = "escape-" + IDS.incrementAndGet() + "-" + marker();
        Path scratchDir = Files.createDirectories(workDir.resolve("scratch").resolve(id));
        RuntimeApiListener listener = RuntimeApiListener.open(backend.runtimeApiTransport(), workDir.resolve(id + ".sock"));
        listeners.add(listener);
        SandboxView view = backend.view(taskRoot, runtimeRoot, scratchDir, listener.address());
        return new Prepared(id, taskRoot, runtimeRoot, scratchDir, listener, view);
    }

    /** Launches a sandbox and starts collecting its output. */
    protected final Launched launch(Prepared prepared, Function<SandboxView, List<String>> command,
            ResourceLimits limits, boolean networkAccess) throws SandboxLaunchException {
        SandboxSpec spec = new SandboxSpec(prepared.sandboxId(), command.apply(prepared.view()), ENVIRONMENT,
                prepared.taskRoot(), prepared.runtimeRoot(), prepared.scratchDir(), prepared.runtimeApi().address(),
                limits, networkAccess);
        Sandbox sandbox = backend.launch(spec);
        Launched result = new Launched(prepared, sandbox, OutputCollector.start(sandbox));
        launched.add(result);
        return result;
    }

    /** Launches {@code python3 -c code args...} without network access. */
    protected final Launched launchPython(String code, ResourceLimits limits, String... args)
            throws IOException, SandboxLaunchException {
        return launchPython(false, code, limits, args);
    }

    /** Launches {@code python3 -c code args...}. */
    protected final Launched launchPython(boolean networkAccess, String code, ResourceLimits limits, String... args)
            throws IOException, SandboxLaunchException {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-c", code));
        argv.addAll(List.of(args));
        return launch(prepare(), view -> argv, limits, networkAccess);
    }

    /** Waits ({@link #patience()}) for the sandbox to exit. */
    protected final SandboxExit awaitExit(Launched run) {
        try {
            return run.sandbox().exit().get(patience().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for sandbox " + run.sandbox().id(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("sandbox " + run.sandbox().id() + " did not exit within " + patience()
                    + "; output so far: " + run.output().text(), e);
        }
    }

    /** Waits ({@link #patience()}) until the output contains {@code text}, or fails showing the exit and output. */
    protected final void awaitOutput(Launched run, String text) {
        await("output of sandbox " + run.sandbox().id() + " to contain '" + text + "'").atMost(patience())
                .until(() -> run.output().text().contains(text) || (run.sandbox().exit().isDone() && run.output().ended()));
        assertThat(run.output().text())
                .as("output of sandbox %s, which ended with %s", run.sandbox().id(), run.sandbox().exit().getNow(null))
                .contains(text);
    }

    /** Waits ({@link #patience()}) for the output to reach EOF and returns all of it. */
    protected final String awaitAllOutput(Launched run) {
        await("output of sandbox " + run.sandbox().id() + " to reach EOF").atMost(patience()).until(run.output()::ended);
        return run.output().text();
    }

    /** A random word that names one test's files and processes (lower-case hex). */
    protected static String marker() {
        byte[] bytes = new byte[5];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Starts a host process, destroyed after the test. */
    protected final Process startHostProcess(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        hostProcesses.add(process);
        return process;
    }

    private static final String STATIC_PROBES = """
            import os, signal, socket, sys
            secret, listing, host_pid, host_marker, victim_marker, port = sys.argv[1:7]
            # the markers come reversed, so that no command line in this sandbox contains them
            host_marker, victim_marker = host_marker[::-1], victim_marker[::-1]
            writes = sys.argv[7:]
            def say(*words):
                print(*words, flush=True)
            for path in ['/etc/shadow', secret]:
                try:
                    with open(path) as f:
                        say('read', path, 'GOT', f.read(60).replace('\\n', ' '))
                except OSError as e:
                    say('read', path, 'denied', type(e).__name__)
            try:
                say('list', listing, 'GOT', sorted(os.listdir(listing)))
            except OSError as e:
                say('list', listing, 'denied', type(e).__name__)
            for path in writes:
                # open for writing, never write: a broken backend must not damage the host
                try:
                    if os.path.exists(path):
                        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
                    else:
                        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                    say('write', path, 'OPENED')
                except OSError as e:
                    say('write', path, 'denied', type(e).__name__)
            for host in ['127.0.0.1', '10.0.2.2']:
                try:
                    socket.create_connection((host, int(port)), timeout=3).close()
                    say('connect', host, 'CONNECTED')
                except OSError as e:
                    say('connect', host, 'failed', type(e).__name__)
            def cmdlines():
                for pid in os.listdir('/proc'):
                    if pid.isdigit() and int(pid) != os.getpid():
                        try:
                            yield pid, open('/proc/%s/cmdline' % pid, 'rb').read().replace(b'\\0', b' ').decode()
                        except OSError:
                            pass
            seen = [(pid, line) for pid, line in cmdlines() if host_marker in line or victim_marker in line]
            say('processes', 'SEEN ' + repr(seen) if seen else 'none-seen')
            try:
                os.kill(int(host_pid), signal.SIGKILL)
                say('signal host-pid SENT')
            except OSError as e:
                say('signal host-pid denied', type(e).__name__)
            try:
                os.kill(-1, signal.SIGKILL)
                say('signal all', 'sent')
            except OSError as e:
                say('signal all', 'nothing', type(e).__name__)
            say('probes done')
            """;

    @Test
    protected void staticEscapesFailAndLeaveTheHostAndOtherSandboxesUntouched() throws Exception {
        String mark = marker();
        Path dataDir = Files.createDirectories(workDir.resolve("hearth-data-" + mark));
        Path secret = Files.writeString(dataDir.resolve("secret.txt"), "host secret " + mark + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        String hostMarker = "86" + (400 + RANDOM.nextInt(99_000));
        Process hostSleep = startHostProcess("sleep", hostMarker);
        byte[] hostPasswd = Files.readAllBytes(Path.of("/etc/passwd"));
        long hostPythonSize = Files.size(Path.of("/usr/bin/python3").toRealPath());
        String victimMarker = "victim-" + mark;
        Launched victim = launchPython("import sys, time; print('victim ready', flush=True); time.sleep(600)",
                ResourceLimits.forMemory(128, 16), victimMarker);
        awaitOutput(victim, "victim ready");

        try (HostService service = HostService.open()) {
            Prepared prepared = prepare();
            SandboxView view = prepared.view();
            List<String> rootWrites = List.of("/escape-" + mark + ".txt", "/etc/passwd");
            List<String> guardedWrites = List.of("/usr/escape-" + mark + ".txt", "/usr/bin/python3",
                    view.taskRoot() + "/escape-" + mark + ".txt", view.taskRoot() + "/handler.py",
                    view.runtimeRoot() + "/escape-" + mark + ".txt", view.runtimeRoot() + "/bootstrap");
            List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-c", STATIC_PROBES, secret.toString(),
                    dataDir.toString(), Long.toString(hostSleep.pid()), reversed(hostMarker), reversed(victimMarker),
                    Integer.toString(service.port())));
            argv.addAll(rootWrites);
            argv.addAll(guardedWrites);
            Launched probe = launch(prepared, ignored -> argv, ResourceLimits.forMemory(128, 16), false);

            SandboxExit exit = awaitExit(probe);
            String out = awaitAllOutput(probe);

            assertThat(out).as("everything the probes observed").contains("probes done")
                    .doesNotContain("GOT", "CONNECTED", "SEEN", "SENT", "host secret");
            assertThat(exit).isEqualTo(new SandboxExit(0, false, false));
            assertThat(out).contains("read /etc/shadow denied", "read " + secret + " denied",
                    "list " + dataDir + " denied", "connect 127.0.0.1 failed", "connect 10.0.2.2 failed",
                    "processes none-seen", "signal host-pid denied");
            for (String path : guardedWrites) {
                assertThat(out).contains("write " + path + " denied");
            }
            if (!traits().privateWritableRoot()) {
                for (String path : rootWrites) {
                    assertThat(out).contains("write " + path + " denied");
                }
            }
            assertThat(service.accepted()).as("connections the host's loopback service accepted").isZero();
        }

        // the host afterwards: files unchanged, nothing created, the host process and the other sandbox alive
        assertThat(secret).hasContent("host secret " + mark);
        assertThat(Files.readAllBytes(Path.of("/etc/passwd"))).isEqualTo(hostPasswd);
        assertThat(Files.size(Path.of("/usr/bin/python3").toRealPath())).isEqualTo(hostPythonSize);
        assertThat(Path.of("/escape-" + mark + ".txt")).doesNotExist();
        assertThat(Path.of("/usr/escape-" + mark + ".txt")).doesNotExist();
        assertThat(taskRoot.resolve("escape-" + mark + ".txt")).doesNotExist();
        assertThat(runtimeRoot.resolve("escape-" + mark + ".txt")).doesNotExist();
        assertThat(taskRoot.resolve("handler.py")).hasContent(HANDLER_TEXT);
        // a signal that got through would end them within moments: watch for a second
        await("the host process and the other sandbox to survive the probe sandbox's signals")
                .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> hostSleep.isAlive() && !victim.sandbox().exit().isDone());
        victim.sandbox().kill();
        assertThat(awaitExit(victim)).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(awaitAllOutput(victim)).isEqualTo("victim ready\n");
    }

    @Test
    protected void hostLoopbackIsUnreachableEvenWithNetworkAccess() throws Exception {
        try (HostService service = HostService.open()) {
            Launched run = launchPython(true, """
                    import socket, sys
                    for host in ['127.0.0.1', '10.0.2.2']:
                        try:
                            socket.create_connection((host, int(sys.argv[1])), timeout=3).close()
                            print('connect', host, 'CONNECTED', flush=True)
                        except OSError as e:
                            print('connect', host, 'failed', type(e).__name__, flush=True)
                    """, ResourceLimits.forMemory(128, 16), Integer.toString(service.port()));

            assertThat(awaitExit(run).status()).isZero();
            assertThat(awaitAllOutput(run)).doesNotContain("CONNECTED")
                    .contains("connect 127.0.0.1 failed", "connect 10.0.2.2 failed");
            assertThat(service.accepted()).as("connections the host's loopback service accepted").isZero();
        }
    }

    /** What each target of {@link #NETWORK_PROBE} answered: {@code connect HOST CONNECTED GREETING} or {@code connect HOST failed ERROR}. */
    private static final String NETWORK_PROBE = """
            import socket, sys
            for target in sys.argv[1:]:
                host, port = target.rsplit(':', 1)
                try:
                    c = socket.create_connection((host, int(port)), timeout=5)
                    c.settimeout(5)
                    greeting = c.recv(64).decode().strip()
                    c.close()
                    print('connect', host, 'CONNECTED', greeting, flush=True)
                except OSError as e:
                    print('connect', host, 'failed', type(e).__name__, flush=True)
            print('probe done', flush=True)
            """;

    @Test
    protected void hostNonLoopbackAddressesAreUnreachableWithNetworkAccess() throws Exception {
        List<String> hostAddresses = HostAddresses.read().stream()
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .map(InetAddress::getHostAddress).toList();
        assumeFalse(hostAddresses.isEmpty(), "needs a non-loopback IPv4 address on this host");
        try (HostService service = HostService.open(InetAddress.getByName("0.0.0.0"))) {
            List<String> targets = new ArrayList<>();
            for (String address : hostAddresses) {
                targets.add(address + ":" + service.port());
            }
            Launched run = launch(prepare(), view -> probeArgv(targets), ResourceLimits.forMemory(128, 16), true);

            assertThat(awaitExit(run).status()).isZero();
            String out = awaitAllOutput(run);
            assertThat(out).as("the first host address %s, then the others", hostAddresses.getFirst())
                    .contains("connect " + hostAddresses.getFirst() + " failed", "probe done").doesNotContain("CONNECTED");
            assertThat(service.accepted()).as("connections the host's 0.0.0.0 service accepted").isZero();
        }
    }

    @Test
    protected void publicPeerIsReachablePrivatePeerOnlyWhenAllowedHostNever() throws Exception {
        List<String> unsupported = PeerNetwork.unsupportedBecause();
        assumeTrue(unsupported.isEmpty(), String.join("; ", unsupported));
        try (PeerNetwork peer = PeerNetwork.start();
                HostService service = HostService.open(InetAddress.getByName("0.0.0.0"))) {
            List<String> targets = List.of(peer.peerPublic() + ":" + PeerNetwork.PORT,
                    peer.peerPrivate() + ":" + PeerNetwork.PORT, peer.hostPublic() + ":" + service.port(),
                    peer.hostPrivate() + ":" + service.port());

            Launched byDefault = launch(prepare(), view -> probeArgv(targets), ResourceLimits.forMemory(128, 16), true);
            assertThat(awaitExit(byDefault).status()).isZero();
            assertThat(awaitAllOutput(byDefault)).as("with the default outbound policy")
                    .contains("connect " + peer.peerPublic() + " CONNECTED peer-hello",
                            "connect " + peer.peerPrivate() + " failed", "connect " + peer.hostPublic() + " failed",
                            "connect " + peer.hostPrivate() + " failed");

            SandboxBackend allowing = createBackend(Files.createDirectories(workDir.resolve("allowing-backend")),
                    OutboundPolicy.parse(peer.privateRange()));
            try {
                Prepared prepared = prepare();
                SandboxSpec spec = new SandboxSpec(prepared.sandboxId(), probeArgv(targets), ENVIRONMENT,
                        prepared.taskRoot(), prepared.runtimeRoot(), prepared.scratchDir(), prepared.runtimeApi().address(),
                        ResourceLimits.forMemory(128, 16), true);
                Sandbox sandbox = allowing.launch(spec);
                Launched allowed = new Launched(prepared, sandbox, OutputCollector.start(sandbox));
                launched.add(allowed);
                assertThat(awaitExit(allowed).status()).isZero();
                assertThat(awaitAllOutput(allowed)).as("with %s allowed", peer.privateRange())
                        .contains("connect " + peer.peerPublic() + " CONNECTED peer-hello",
                                "connect " + peer.peerPrivate() + " CONNECTED peer-hello",
                                "connect " + peer.hostPublic() + " failed", "connect " + peer.hostPrivate() + " failed");
            } finally {
                allowing.close();
            }
            assertThat(service.accepted()).as("connections the host's 0.0.0.0 service accepted").isZero();
        }
    }

    private static List<String> probeArgv(List<String> targets) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-c", NETWORK_PROBE));
        argv.addAll(targets);
        return argv;
    }

    @Test
    protected void exceedingMemoryKillsTheSandboxAndReportsOutOfMemory() throws Exception {
        Process bystander = startHostProcess("sleep", "86399");
        Launched run = launchPython("""
                import time
                blocks = []
                for i in range(60):
                    blocks.append(bytearray(10 * 1024 * 1024))
                    print('holding', (i + 1) * 10, 'MB', flush=True)
                print('NOT KILLED holding 600 MB', flush=True)
                time.sleep(600)
                """, ResourceLimits.forMemory(128, 16));

        SandboxExit exit = awaitExit(run);

        assertThat(exit).as("exit of a sandbox that exceeded 128 MB; output %s", run.output().text())
                .isEqualTo(new SandboxExit(128 + 9, true, false));
        assertThat(awaitAllOutput(run)).contains("holding 10 MB").doesNotContain("NOT KILLED");
        assertThat(bystander.isAlive()).as("a host process next to the sandbox").isTrue();
        awaitNoHostProcesses(run);
    }

    @Test
    protected void forkBombIsContained() throws Exception {
        int maxProcesses = 32;
        Launched run = launchPython("""
                import os, sys, time
                children = 0
                try:
                    for _ in range(int(sys.argv[1])):
                        if os.fork() == 0:
                            time.sleep(600)
                            os._exit(0)
                        children += 1
                    print('FORKED ALL', children, flush=True)
                except OSError as e:
                    print('fork refused after', children, type(e).__name__, flush=True)
                print('bomb done', flush=True)
                time.sleep(600)
                """, new ResourceLimits(512, 1.0, maxProcesses, 16), Integer.toString(maxProcesses * 2));
        awaitOutput(run, "bomb done");

        String out = run.output().text();
        switch (traits().forkBomb()) {
            case PROCESS_LIMIT -> {
                assertThat(out).startsWith("fork refused after").contains("BlockingIOError").doesNotContain("FORKED ALL");
                int children = Integer.parseInt(out.split(" ")[3]);
                assertThat(children).isBetween(1, maxProcesses);
            }
            case GUEST_KERNEL -> assertThat(out).containsAnyOf("FORKED ALL", "fork refused after");
        }
        assertThat(hostProcessesOf(run)).as("host processes of the sandbox during the fork bomb")
                .hasSizeLessThanOrEqualTo(maxProcesses + 16);
        Process hostFork = new ProcessBuilder("/bin/true").start();
        assertThat(hostFork.waitFor(patience().toSeconds(), TimeUnit.SECONDS)).as("the host can still fork").isTrue();
        assertThat(hostFork.exitValue()).isZero();

        run.sandbox().kill();

        assertThat(awaitExit(run)).isEqualTo(new SandboxExit(128 + 9, false, true));
        awaitAllOutput(run);
        awaitNoHostProcesses(run);
    }

    @Test
    protected void fillingTmpStopsAtItsSizeWithEnospc() throws Exception {
        String fileName = "filler-" + marker();
        int tmpMb = 16;
        Launched run = launchPython("""
                import errno, os, sys, time
                written = 0
                try:
                    with open(os.path.join(sys.argv[1], sys.argv[2]), 'wb') as f:
                        for _ in range(64):
                            f.write(b'x' * (1024 * 1024))
                            f.flush()
                            written += 1
                    print('WROTE ALL 64 MB', flush=True)
                except OSError as e:
                    print('stopped after', written, 'MB', errno.errorcode[e.errno], flush=True)
                print('fill done', flush=True)
                time.sleep(600)
                """, ResourceLimits.forMemory(128, tmpMb), "/tmp", fileName);
        awaitOutput(run, "fill done");

        String out = run.output().text();
        assertThat(out).startsWith("stopped after").contains("MB ENOSPC").doesNotContain("WROTE ALL");
        int written = Integer.parseInt(out.split(" ")[2]);
        assertThat(written).isBetween(1, tmpMb);
        // while the sandbox holds its full /tmp: no file on the host bigger than the limit
        for (Path root : List.of(workDir, Path.of("/tmp"), Path.of("/var/tmp"))) {
            assertThat(filesNamed(root, fileName)).allSatisfy(file ->
                    assertThat(Files.size(file)).as("host file %s", file).isLessThanOrEqualTo(tmpMb * 1024L * 1024));
        }

        run.sandbox().kill();

        assertThat(awaitExit(run)).isEqualTo(new SandboxExit(128 + 9, false, true));
        awaitNoHostProcesses(run);
    }

    @Test
    protected void runningPastTheDeadlineIsEndedByKill() throws Exception {
        String mark = "86" + (400 + RANDOM.nextInt(99_000));
        Launched run = launch(prepare(), view -> List.of("/bin/sh", "-c",
                "sleep " + mark + " & sleep " + mark + " & echo started; wait"), ResourceLimits.forMemory(128, 16), false);
        awaitOutput(run, "started");
        Duration deadline = Duration.ofSeconds(1);
        await("sandbox " + run.sandbox().id() + " to run past its deadline").during(deadline)
                .atMost(deadline.plusSeconds(5)).until(() -> !run.sandbox().exit().isDone());
        assertThat(hostProcessesOf(run)).as("host processes of the running sandbox (what kill must end)").isNotEmpty();

        run.sandbox().kill();

        assertThat(awaitExit(run)).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(awaitAllOutput(run)).isEqualTo("started\n");
        awaitNoHostProcesses(run);
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            assertThat(all.filter(process -> process.info().commandLine()
                            .filter(line -> line.equals("sleep " + mark)).isPresent()).toList())
                    .as("host processes running the sandbox's background sleeps").isEmpty();
        }
    }

    private static String reversed(String text) {
        return new StringBuilder(text).reverse().toString();
    }

    private void awaitNoHostProcesses(Launched run) {
        await("host processes of sandbox " + run.sandbox().id() + " to be gone").atMost(patience())
                .until(() -> hostProcessesOf(run).isEmpty());
    }

    private static List<Path> filesNamed(Path root, String name) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> found = Files.find(root, 6, (path, attributes) -> path.getFileName() != null
                && path.getFileName().toString().equals(name) && attributes.isRegularFile())) {
            return found.toList();
        } catch (UncheckedIOException e) {
            // other users' files under /tmp may vanish or be unreadable while we walk
            return List.of();
        }
    }

    /**
     * A service on the host (port 0) that counts the connections it accepts and greets each with
     * {@code host-hello}.
     */
    private static final class HostService implements AutoCloseable {
        private final ServerSocketChannel channel;
        private final AtomicInteger accepted = new AtomicInteger();

        private HostService(ServerSocketChannel channel) {
            this.channel = channel;
        }

        static HostService open() throws IOException {
            return open(InetAddress.getLoopbackAddress());
        }

        /** Listens on {@code address} ({@code 0.0.0.0}: every IPv4 address of the host). */
        static HostService open(InetAddress address) throws IOException {
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
            channel.bind(new InetSocketAddress(address, 0));
            HostService service = new HostService(channel);
            Thread.ofVirtual().name("escape-loopback-service").start(service::acceptAll);
            return service;
        }

        private void acceptAll() {
            while (channel.isOpen()) {
                try (SocketChannel client = channel.accept()) {
                    accepted.incrementAndGet();
                    client.write(ByteBuffer.wrap("host-hello\n".getBytes(StandardCharsets.US_ASCII)));
                    client.shutdownOutput();
                } catch (IOException e) {
                    if (channel.isOpen()) {
                        throw new UncheckedIOException("host loopback service failed", e);
                    }
                }
            }
        }

        int port() throws IOException {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
