package dev.hearth.sandbox.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link SandboxBackend} promises, run by each backend's own test class
 * ({@code TestProcessSandboxBackend extends SandboxBackendContract}).
 *
 * <p>The contract, as these cases check it:
 * <ul>
 *   <li>stdout and stderr are merged into {@link Sandbox#output()} in the order they were written;
 *       the output reaches EOF once the sandbox has ended;</li>
 *   <li>{@link SandboxExit#status()} is the first process's exit status, {@code 128 + signal} when a
 *       signal ended it;</li>
 *   <li>the environment is exactly {@link SandboxSpec#environment()}; the one variable a backend may
 *       add is {@code TMPDIR}, and only with the value {@link SandboxView#tmpDir()};</li>
 *   <li>the working directory is {@link SandboxView#taskRoot()}; the task root is readable and not
 *       writable (neither new files nor existing ones);</li>
 *   <li>{@link SandboxSpec#optRoot()} appears read-only at {@link SandboxView#optRoot()} (its files
 *       readable, symbolic links inside it kept, nothing writable); without one that directory is
 *       empty;</li>
 *   <li>{@link SandboxView#tmpDir()} is writable and private: one sandbox never sees another's files;</li>
 *   <li>{@link Sandbox#kill()} ends the whole process tree (background grandchildren too), is
 *       idempotent, and {@link Sandbox#exit()} then completes with {@code killed = true} and status
 *       137;</li>
 *   <li>when the first process exits on its own, the backend ends whatever it left running, so
 *       {@link Sandbox#exit()} completes and the output reaches EOF;</li>
 *   <li>{@link Sandbox#usage()} reports a peak memory that includes what the sandbox allocated;</li>
 *   <li>a command that does not exist is <em>not</em> a {@link SandboxLaunchException}: the sandbox
 *       starts and exits with status 127 (the shell's "command not found"), and its output names the
 *       command, so the worker can report Lambda's {@code Runtime.InvalidEntrypoint};</li>
 *   <li>the Runtime API named by {@link SandboxView#runtimeApi()} reaches the host-side listener
 *       given in {@link SandboxSpec#runtimeApi()}, over the backend's {@link RuntimeApiTransport};</li>
 *   <li>{@link SandboxBackend#close()} kills every sandbox still running;</li>
 *   <li>{@link SandboxView#tmpDir()} is ephemeral storage (unless {@link #tmpIsEphemeralStorage()}
 *       says otherwise): it takes {@code ephemeralStorageMb} and refuses more with {@code ENOSPC},
 *       and a 128 MB sandbox fills a 512 MB {@code /tmp} without being OOM-killed;</li>
 *   <li>another function's task root cannot be read by its host path (unless
 *       {@link #sandboxSeesOnlyItsOwnCode()} says otherwise);</li>
 *   <li>a sandbox that {@link Sandbox#canFreeze() can freeze} makes no progress while frozen (not
 *       even a process left running in the background), resumes after {@link Sandbox#thaw()}, and
 *       is killed by {@link Sandbox#kill()} while frozen (skipped for backends that cannot freeze).</li>
 * </ul>
 *
 * <p>Only {@code /bin/sh} and {@code /usr/bin/python3} are used inside sandboxes, and every path
 * inside comes from the {@link SandboxView}, so the cases hold for any Linux backend. The test's
 * work directory is made world-traversable (0755), as a worker's data directory must be for
 * backends that run function code as an unprivileged user. Every wait is bounded.
 *
 * <p>Subclasses implement {@link #createBackend(Path)}; they may add backend-specific cases using
 * {@link #prepare()}, {@link #launch} and the {@link Launched} handle.
 */
public abstract class SandboxBackendContract {

    /** Longest wait for anything a sandbox does (generous for emulated microVMs). */
    protected static final Duration WAIT = Duration.ofSeconds(30);
    /** Text of the file the contract puts in every task root. */
    protected static final String HANDLER_TEXT = "hello from the task root";
    /** The environment of sandboxes launched by {@link #launch(Prepared, Function)}. */
    protected static final Map<String, String> ENVIRONMENT =
            Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "HEARTH_CONTRACT", "yes, with spaces = and symbols");

    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    private Path tempDir;

    private Path workDir;
    private SandboxBackend backend;
    private boolean backendClosed;
    private Path taskRoot;
    private Path runtimeRoot;
    private final List<Launched> launched = new CopyOnWriteArrayList<>();
    private final List<RuntimeApiListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the backend under test.
     *
     * @param workDir an empty directory the backend may use for its own files
     */
    protected abstract SandboxBackend createBackend(Path workDir);

    @BeforeEach
    final void openBackend() throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        workDir = tempDir.toRealPath();
        taskRoot = Files.createDirectories(workDir.resolve("task"));
        Files.writeString(taskRoot.resolve("handler.txt"), HANDLER_TEXT + "\n");
        runtimeRoot = Files.createDirectories(workDir.resolve("runtime"));
        Files.writeString(runtimeRoot.resolve("bootstrap.txt"), "runtime files\n");
        backend = createBackend(Files.createDirectories(workDir.resolve("backend")));
    }

    @AfterEach
    final void closeBackend() {
        try {
            if (!backendClosed) {
                backend.close();
            }
            for (Launched each : launched) {
                assertThat(each.sandbox().exit())
                        .as("sandbox %s still running after its backend closed", each.sandbox().id())
                        .succeedsWithin(WAIT);
            }
        } finally {
            listeners.forEach(RuntimeApiListener::close);
        }
    }

    /** The backend under test. */
    protected final SandboxBackend backend() {
        return backend;
    }

    /** Host directories and the view of one sandbox about to be launched. */
    public record Prepared(
            String sandboxId, Path taskRoot, Path runtimeRoot, Path scratchDir,
            RuntimeApiListener runtimeApi, SandboxView view) {}

    /** A launched sandbox with its output being collected. */
    public record Launched(Prepared prepared, Sandbox sandbox, OutputCollector output) {
        public SandboxView view() {
            return prepared.view();
        }

        /** Waits (bounded) for the sandbox to exit. */
        public SandboxExit awaitExit() {
            try {
                return sandbox.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for sandbox " + sandbox.id(), e);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("sandbox " + sandbox.id() + " did not exit within " + WAIT, e);
            }
        }

        /** Waits (bounded) until the output contains {@code text}. */
        public void awaitOutput(String text) {
            await("output of sandbox " + sandbox.id() + " to contain '" + text + "'")
                    .atMost(WAIT).until(() -> output.text().contains(text));
        }

        /** Waits (bounded) for the output to reach EOF and returns all of it. */
        public String awaitAllOutput() {
            await("output of sandbox " + sandbox.id() + " to reach EOF (every process holding it ended)")
                    .atMost(WAIT).until(output::ended);
            return output.text();
        }
    }

    /** Opens a Runtime API listener and asks the backend for the view of a new sandbox. */
    protected final Prepared prepare() throws IOException {
        String id = "contract-" + IDS.incrementAndGet();
        Path scratchDir = Files.createDirectories(workDir.resolve("scratch").resolve(id));
        RuntimeApiListener listener = RuntimeApiListener.open(backend.runtimeApiTransport(), workDir.resolve(id + ".sock"));
        listeners.add(listener);
        SandboxView view = backend.view(taskRoot, runtimeRoot, scratchDir, listener.address());
        return new Prepared(id, taskRoot, runtimeRoot, scratchDir, listener, view);
    }

    /** Launches with {@link #ENVIRONMENT} and limits of 512 MB memory and 512 MB {@code /tmp}. */
    protected final Launched launch(Prepared prepared, Function<SandboxView, List<String>> command)
            throws SandboxLaunchException {
        return launch(prepared, command, ENVIRONMENT, ResourceLimits.forMemory(512, 512));
    }

    /** Launches a sandbox and starts collecting its output. */
    protected final Launched launch(
            Prepared prepared, Function<SandboxView, List<String>> command, Map<String, String> environment,
            ResourceLimits limits) throws SandboxLaunchException {
        SandboxSpec spec = new SandboxSpec(prepared.sandboxId(), command.apply(prepared.view()), environment,
                prepared.taskRoot(), prepared.runtimeRoot(), prepared.scratchDir(), prepared.runtimeApi().address(),
                limits, false);
        Sandbox sandbox = backend.launch(spec);
        Launched result = new Launched(prepared, sandbox, OutputCollector.start(sandbox));
        launched.add(result);
        return result;
    }

    /** Launches {@code /bin/sh -c script}. */
    protected final Launched launchShell(String script) throws IOException, SandboxLaunchException {
        return launch(prepare(), view -> List.of("/bin/sh", "-c", script));
    }

    /** Launches {@code /usr/bin/python3 -c code args...}; each arg is computed from the view. */
    @SafeVarargs
    protected final Launched launchPython(String code, Function<SandboxView, String>... args)
            throws IOException, SandboxLaunchException {
        return launch(prepare(), view -> {
            List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-c", code));
            for (Function<SandboxView, String> arg : args) {
                argv.add(arg.apply(view));
            }
            return argv;
        });
    }

    @Test
    void outputHasStdoutAndStderrInOrder() throws Exception {
        Launched run = launchShell("echo one; echo two >&2; echo three; echo four >&2");

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(0, false, false));
        assertThat(run.awaitAllOutput()).isEqualTo("one\ntwo\nthree\nfour\n");
    }

    @Test
    void exitStatusZero() throws Exception {
        assertThat(launchShell("true").awaitExit()).isEqualTo(new SandboxExit(0, false, false));
    }

    @Test
    void exitStatusThree() throws Exception {
        assertThat(launchShell("exit 3").awaitExit()).isEqualTo(new SandboxExit(3, false, false));
    }

    @Test
    void exitStatusOfSigkillIs137() throws Exception {
        assertThat(launchShell("kill -9 $$").awaitExit()).isEqualTo(new SandboxExit(128 + 9, false, false));
    }

    @Test
    void environmentIsExactlyTheSpecEnvironment() throws Exception {
        Launched run = launchPython("""
                for entry in open('/proc/self/environ', 'rb').read().split(b'\\0'):
                    if entry:
                        print(entry.decode())
                """);

        assertThat(run.awaitExit().status()).isZero();
        Map<String, String> seen = parseEnvironment(run.awaitAllOutput());
        Map<String, String> expected = new HashMap<>(ENVIRONMENT);
        if (seen.containsKey("TMPDIR")) {
            expected.put("TMPDIR", run.view().tmpDir());
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void workingDirectoryIsTheTaskRoot() throws Exception {
        Launched run = launchPython("import os; print(os.getcwd())");

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo(run.view().taskRoot() + "\n");
    }

    @Test
    void taskRootIsReadableAndNotWritable() throws Exception {
        Launched run = launchPython("""
                import os, sys
                root = sys.argv[1]
                print(open(os.path.join(root, 'handler.txt')).read().strip())
                for name in ['new-file.txt', 'handler.txt']:
                    try:
                        with open(os.path.join(root, name), 'a') as f:
                            f.write('changed')
                        print('wrote', name)
                    except OSError:
                        print('denied', name)
                try:
                    os.mkdir(os.path.join(root, 'new-dir'))
                    print('made new-dir')
                except OSError:
                    print('denied new-dir')
                """, SandboxView::taskRoot);

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput())
                .isEqualTo(HANDLER_TEXT + "\ndenied new-file.txt\ndenied handler.txt\ndenied new-dir\n");
        assertThat(taskRoot.resolve("handler.txt")).hasContent(HANDLER_TEXT);
        assertThat(taskRoot.resolve("new-file.txt")).doesNotExist();
    }

    @Test
    void layersAreReadableAtOptAndNotWritable() throws Exception {
        Path opt = Files.createDirectories(workDir.resolve("layers-merged"));
        Files.createDirectories(opt.resolve("lib"));
        Files.writeString(opt.resolve("lib/layer.txt"), "from a layer\n");
        Files.createSymbolicLink(opt.resolve("lib/link.txt"), Path.of("layer.txt"));
        Launched run = launchWithOpt(Optional.of(opt), view -> List.of("/usr/bin/python3", "-c", """
                import os, sys
                root = sys.argv[1]
                print(open(os.path.join(root, 'lib', 'layer.txt')).read().strip())
                print(os.readlink(os.path.join(root, 'lib', 'link.txt')))
                for name in ['lib/new-file.txt', 'lib/layer.txt', 'new-file.txt']:
                    try:
                        with open(os.path.join(root, name), 'a') as f:
                            f.write('changed')
                        print('wrote', name)
                    except OSError:
                        print('denied', name)
                """, view.optRoot()));

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo(
                "from a layer\nlayer.txt\ndenied lib/new-file.txt\ndenied lib/layer.txt\ndenied new-file.txt\n");
        assertThat(opt.resolve("lib/layer.txt")).hasContent("from a layer");
        assertThat(opt.resolve("lib/new-file.txt")).doesNotExist();
    }

    @Test
    void optIsEmptyWithoutLayers() throws Exception {
        Launched run = launchWithOpt(Optional.empty(), view -> List.of("/usr/bin/python3", "-c", """
                import os, sys
                print(sorted(os.listdir(sys.argv[1])) if os.path.isdir(sys.argv[1]) else 'absent')
                """, view.optRoot()));

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isIn("[]\n", "absent\n");
    }

    private Launched launchWithOpt(Optional<Path> optRoot, Function<SandboxView, List<String>> command)
            throws IOException, SandboxLaunchException {
        String id = "contract-" + IDS.incrementAndGet();
        Path scratchDir = Files.createDirectories(workDir.resolve("scratch").resolve(id));
        RuntimeApiListener listener = RuntimeApiListener.open(backend.runtimeApiTransport(), workDir.resolve(id + ".sock"));
        listeners.add(listener);
        SandboxView view = backend.view(taskRoot, runtimeRoot, scratchDir, listener.address(), optRoot);
        Prepared prepared = new Prepared(id, taskRoot, runtimeRoot, scratchDir, listener, view);
        SandboxSpec spec = new SandboxSpec(id, command.apply(view), ENVIRONMENT, taskRoot, runtimeRoot, scratchDir,
                listener.address(), ResourceLimits.forMemory(512, 512), false, optRoot);
        Sandbox sandbox = backend.launch(spec);
        Launched result = new Launched(prepared, sandbox, OutputCollector.start(sandbox));
        launched.add(result);
        return result;
    }

    @Test
    void runtimeRootIsReadable() throws Exception {
        Launched run = launch(prepare(),
                view -> List.of("/bin/sh", "-c", "cat \"$0/bootstrap.txt\"", view.runtimeRoot()));

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo("runtime files\n");
    }

    @Test
    void tmpIsWritableAndPrivateToEachSandbox() throws Exception {
        String writeAndWait = """
                import os, sys, time
                tmp = sys.argv[1]
                with open(os.path.join(tmp, sys.argv[2]), 'w') as f:
                    f.write('mine')
                print('wrote', sorted(os.listdir(tmp)), flush=True)
                time.sleep(600)
                """;
        Launched first = launchPython(writeAndWait, SandboxView::tmpDir, view -> "first-marker");
        first.awaitOutput("wrote");
        Launched second = launchPython(writeAndWait, SandboxView::tmpDir, view -> "second-marker");
        second.awaitOutput("wrote");

        assertThat(first.output().text()).contains("'first-marker'").doesNotContain("second-marker");
        assertThat(second.output().text()).contains("'second-marker'").doesNotContain("first-marker");
        first.sandbox().kill();
        second.sandbox().kill();
        assertThat(first.awaitExit().killed()).isTrue();
        assertThat(second.awaitExit().killed()).isTrue();
    }

    @Test
    void killEndsTheWholeProcessTree() throws Exception {
        // the grandchild holds the output open: EOF proves it is gone too
        Launched run = launchShell(
                "/bin/sh -c 'sleep 600 & echo grandchild started; wait' & echo child started; wait");
        run.awaitOutput("grandchild started");

        run.sandbox().kill();

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(run.awaitAllOutput()).contains("child started", "grandchild started");
    }

    @Test
    void killIsIdempotent() throws Exception {
        Launched run = launchShell("echo running; sleep 600");
        run.awaitOutput("running");

        run.sandbox().kill();
        run.sandbox().kill();
        SandboxExit exit = run.awaitExit();
        assertThatCode(run.sandbox()::kill).doesNotThrowAnyException();

        assertThat(exit).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(run.sandbox().exit().join()).isEqualTo(exit);
    }

    @Test
    void exitOfTheFirstProcessEndsWhatItLeftRunning() throws Exception {
        // the background sleep holds the output open: EOF proves the backend ended it
        Launched run = launchShell("sleep 600 & echo leaving");

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(0, false, false));
        assertThat(run.awaitAllOutput()).isEqualTo("leaving\n");
    }

    @Test
    void usageReportsPeakMemoryIncludingAllocations() throws Exception {
        Launched run = launchPython("""
                import time
                block = 'x' * (60 * 1024 * 1024)
                print('allocated', flush=True)
                time.sleep(600)
                """);
        run.awaitOutput("allocated");

        await("usage of " + run.sandbox().id() + " to include the 60 MB allocated")
                .atMost(WAIT).until(() -> run.sandbox().usage().maxMemoryBytes() >= 50L * 1024 * 1024);

        run.sandbox().kill();
        run.awaitExit();
        assertThat(run.sandbox().usage().maxMemoryBytes()).isGreaterThanOrEqualTo(50L * 1024 * 1024);
    }

    @Test
    void missingCommandExitsWith127AndNamesIt() throws Exception {
        Launched run = launch(prepare(), view -> List.of(view.taskRoot() + "/no-such-bootstrap"));

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(127, false, false));
        assertThat(run.awaitAllOutput()).contains("no-such-bootstrap");
    }

    @Test
    void runtimeApiIsReachableFromInside() throws Exception {
        Prepared prepared = prepare();
        prepared.runtimeApi().serveOnePing();
        Launched run = launch(prepared, view -> List.of("/usr/bin/python3", "-c", """
                import socket, sys
                host, port = sys.argv[1].rsplit(':', 1)
                with socket.create_connection((host, int(port)), timeout=20) as s:
                    s.sendall(b'ping from sandbox\\n')
                    print(s.makefile().readline().strip())
                """, view.runtimeApi()));

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo("pong: ping from sandbox\n");
    }

    /** Longest wait for a sandbox writing hundreds of MB to {@code /tmp} (a loaded, slow disk). */
    protected static final Duration DISK_WAIT = Duration.ofMinutes(3);

    /**
     * Whether the backend's {@code /tmp} is Lambda's ephemeral storage: separate from the function's
     * memory and limited to (at least, and not much more than) {@code ephemeralStorageMb}. Backends
     * whose {@code /tmp} is a tmpfs counted against memory, or unlimited, return false and skip
     * those cases.
     */
    protected boolean tmpIsEphemeralStorage() {
        return true;
    }

    /**
     * Whether a sandbox sees only its own code: another function's task root, readable by every user
     * on the host as package trees are, cannot be read by its host path from inside. Backends without
     * a file system of their own (the {@code process} backend) return false and skip that case.
     */
    protected boolean sandboxSeesOnlyItsOwnCode() {
        return true;
    }

    @Test
    void anotherFunctionsTaskRootIsUnreadableByItsHostPath() throws Exception {
        assumeTrue(sandboxSeesOnlyItsOwnCode(), backend.name() + " gives sandboxes the host's file system");
        Path otherTaskRoot = Files.createDirectories(workDir.resolve("other-function-task"));
        Files.setPosixFilePermissions(otherTaskRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = Files.writeString(otherTaskRoot.resolve("handler.py"), "SECRET = 'other function code'\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

        Launched run = launchPython("""
                import sys
                for path in sys.argv[1:]:
                    try:
                        with open(path) as f:
                            print(path, 'READ', f.read().strip(), flush=True)
                    except OSError as e:
                        print(path, 'refused', type(e).__name__, flush=True)
                """, view -> secret.toString(), view -> view.taskRoot() + "/handler.txt");

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput())
                .contains(secret + " refused")
                .doesNotContain("other function code")
                .contains("handler.txt READ " + HANDLER_TEXT);
    }

    /** Writes 1 MiB blocks to {@code /tmp/fill} until argv[2] MiB or ENOSPC; prints what happened. */
    private static final String FILL_TMP = """
            import errno, os, sys
            path, limit = os.path.join(sys.argv[1], 'fill'), int(sys.argv[2])
            block, written = b'x' * (1024 * 1024), 0
            try:
                with open(path, 'wb') as f:
                    while written < limit:
                        f.write(block)
                        f.flush()
                        written += 1
                    os.fsync(f.fileno())
                print('wrote', written, 'MiB', flush=True)
            except OSError as e:
                print('error', errno.errorcode.get(e.errno, e.errno), 'after', written, 'MiB', flush=True)
            """;

    @Test
    void tmpAcceptsItsSizeAndRefusesBeyondWithEnospc() throws Exception {
        assumeTrue(tmpIsEphemeralStorage(), backend.name() + " has no separate ephemeral storage");
        Launched upTo = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", FILL_TMP, view.tmpDir(), "64"),
                ENVIRONMENT, ResourceLimits.forMemory(256, 64));
        Launched beyond = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", FILL_TMP, view.tmpDir(), "96"),
                ENVIRONMENT, ResourceLimits.forMemory(256, 64));

        assertThat(upTo.sandbox().exit()).succeedsWithin(DISK_WAIT);
        assertThat(upTo.awaitAllOutput()).isEqualTo("wrote 64 MiB\n");
        assertThat(beyond.sandbox().exit()).succeedsWithin(DISK_WAIT);
        assertThat(beyond.awaitAllOutput()).startsWith("error ENOSPC after ");
    }

    @Test
    void smallSandboxFillsALargeTmpWithoutBeingOomKilled() throws Exception {
        assumeTrue(tmpIsEphemeralStorage(), backend.name() + " has no separate ephemeral storage");
        Launched run = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", FILL_TMP, view.tmpDir(), "512"),
                ENVIRONMENT, ResourceLimits.forMemory(128, 512));

        assertThat(run.sandbox().exit()).succeedsWithin(DISK_WAIT);
        assertThat(run.sandbox().exit().join()).isEqualTo(new SandboxExit(0, false, false));
        assertThat(run.awaitAllOutput()).isEqualTo("wrote 512 MiB\n");
    }

    /** A background loop that appends a line to a file in {@code /tmp} and prints it, every 50 ms. */
    private static final String TICKER = "i=0; while true; do i=$((i+1)); echo tick $i >> \"$TMPDIR_PATH/ticks\"; "
            + "echo tick $i; sleep 0.05; done";

    private Launched launchTicker() throws IOException, SandboxLaunchException {
        Launched run = launch(prepare(), view -> List.of("/bin/sh", "-c",
                "TMPDIR_PATH=" + view.tmpDir() + "; (" + TICKER + ") & echo started; wait"));
        run.awaitOutput("tick 3");
        return run;
    }

    private static long ticks(Launched run) {
        return run.output().text().lines().filter(line -> line.startsWith("tick ")).count();
    }

    @Test
    void frozenSandboxMakesNoProgressAndResumesAfterThaw() throws Exception {
        Launched run = launchTicker();
        assumeTrue(run.sandbox().canFreeze(), backend.name() + " cannot freeze");

        run.sandbox().freeze();

        // no line for 2 s (the loop ticks every 50 ms when it runs); a line already in a pipe may arrive first
        AtomicInteger lastSeen = new AtomicInteger(-1);
        await("sandbox " + run.sandbox().id() + " to print nothing for 2 s while frozen")
                .during(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100)).atMost(WAIT)
                .until(() -> {
                    int now = (int) ticks(run);
                    return lastSeen.getAndSet(now) == now;
                });
        long frozenAt = ticks(run);

        run.sandbox().thaw();

        await("sandbox " + run.sandbox().id() + " to tick again after thaw")
                .atMost(WAIT).until(() -> ticks(run) >= frozenAt + 5);
        run.sandbox().kill();
        assertThat(run.awaitExit().killed()).isTrue();
    }

    @Test
    void frozenSandboxCanBeKilled() throws Exception {
        Launched run = launchTicker();
        assumeTrue(run.sandbox().canFreeze(), backend.name() + " cannot freeze");
        run.sandbox().freeze();

        run.sandbox().kill();

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(run.awaitAllOutput()).contains("tick 3");
        assertThatCode(run.sandbox()::thaw).as("thaw after the end does nothing").doesNotThrowAnyException();
    }

    @Test
    void closeKillsRunningSandboxes() throws Exception {
        Launched first = launchShell("echo first; sleep 600");
        Launched second = launchShell("sleep 600 & echo second; wait");
        first.awaitOutput("first");
        second.awaitOutput("second");

        backendClosed = true;
        backend.close();

        assertThat(first.awaitExit().killed()).isTrue();
        assertThat(second.awaitExit().killed()).isTrue();
        second.awaitAllOutput();
    }

    private static Map<String, String> parseEnvironment(String lines) {
        Map<String, String> result = new LinkedHashMap<>();
        lines.lines().forEach(line -> {
            int eq = line.indexOf('=');
            result.put(line.substring(0, eq), line.substring(eq + 1));
        });
        return result;
    }

    /** Reads a sandbox's output on a virtual thread into memory. Thread-safe. */
    public static final class OutputCollector {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean ended;

        /** Starts reading {@code sandbox.output()}; the sandbox must have no other reader. */
        public static OutputCollector start(Sandbox sandbox) {
            OutputCollector collector = new OutputCollector();
            Thread.ofVirtual().name("contract-output-" + sandbox.id()).start(() -> collector.pump(sandbox.output()));
            return collector;
        }

        private void pump(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading sandbox output failed", e);
            } finally {
                ended = true;
            }
        }

        /** Everything read so far, decoded as UTF-8. */
        public String text() {
            synchronized (bytes) {
                return bytes.toString(UTF_8);
            }
        }

        /** Whether the output reached EOF. */
        public boolean ended() {
            return ended;
        }
    }

    /**
     * A host-side listener standing in for the worker's Runtime API: TCP on loopback port 0, or a
     * unix socket, per the backend's transport. {@link #serveOnePing()} answers one connection's
     * first line {@code L} with {@code pong: L}.
     */
    public static final class RuntimeApiListener implements AutoCloseable {
        private final ServerSocketChannel channel;
        private final RuntimeApiAddress address;

        private RuntimeApiListener(ServerSocketChannel channel, RuntimeApiAddress address) {
            this.channel = channel;
            this.address = address;
        }

        static RuntimeApiListener open(RuntimeApiTransport transport, Path socketPath) throws IOException {
            return switch (transport) {
                case TCP_LOOPBACK -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
                    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                    yield new RuntimeApiListener(channel, new RuntimeApiAddress.Tcp("127.0.0.1", port));
                }
                case UNIX_SOCKET -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    channel.bind(UnixDomainSocketAddress.of(socketPath));
                    yield new RuntimeApiListener(channel, new RuntimeApiAddress.UnixSocket(socketPath));
                }
            };
        }

        public RuntimeApiAddress address() {
            return address;
        }

        /** Answers one connection on a virtual thread. */
        public void serveOnePing() {
            Thread.ofVirtual().name("contract-runtime-api").start(() -> {
                try (SocketChannel client = channel.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(1024);
                    while (client.read(in) >= 0 && !new String(in.array(), 0, in.position(), UTF_8).contains("\n")) {
                        // keep reading until the first line is complete
                    }
                    String line = new String(in.array(), 0, in.position(), UTF_8).lines().findFirst().orElse("");
                    client.write(ByteBuffer.wrap(("pong: " + line + "\n").getBytes(UTF_8)));
                } catch (IOException e) {
                    if (channel.isOpen()) {
                        throw new UncheckedIOException("runtime API stand-in failed", e);
                    }
                }
            });
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the runtime API stand-in failed", e);
            }
        }
    }
}
