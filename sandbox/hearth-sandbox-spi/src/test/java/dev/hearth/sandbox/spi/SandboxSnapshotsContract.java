package dev.hearth.sandbox.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.spi.SandboxBackendContract.OutputCollector;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link SandboxSnapshots} promises, run by the test class of each backend that
 * offers snapshots ({@code TestMicrovmSnapshots extends SandboxSnapshotsContract}).
 *
 * <p>The contract, as these cases check it:
 * <ul>
 *   <li>{@link SandboxBackend#snapshots()} is present;</li>
 *   <li>a sandbox launched by {@link SandboxSnapshots#launchForSnapshot} runs its command and can be
 *       saved after its runtime initialised; the saved sandbox's {@link Sandbox#exit()} then
 *       completes as for {@link Sandbox#kill()} (status 137, killed);</li>
 *   <li>the image reports the saved memory size and a non-zero size on disk;</li>
 *   <li>two sandboxes restored from one image both continue from the saved point (the state made
 *       during Init, here a random token, is the same in both: Lambda's documented uniqueness
 *       caveat), each under its own id, and each reaches the Runtime API listener of its own
 *       {@link SandboxSpec} (not the saved sandbox's, nor the other clone's); the
 *       {@link SandboxView#runtimeApi()} seen inside is therefore the same for every sandbox of a
 *       backend with snapshots; each clone sees the {@link SandboxSpec#optRoot()} (the layers) at
 *       {@link SandboxView#optRoot()}, read after the restore;</li>
 *   <li>a restore whose memory limit differs from the image's is refused with a
 *       {@link SandboxLaunchException};</li>
 *   <li>{@link SandboxSnapshots#delete} removes the image's directory; clones restored earlier keep
 *       running; a restore from a deleted image is refused;</li>
 *   <li>saving a sandbox launched by {@link SandboxBackend#launch} is refused with an
 *       {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>Cost is bounded for emulated microVMs: one launch for a snapshot, one save and two restores,
 * plus one plain launch that is killed at once. Only {@code /usr/bin/python3} runs inside sandboxes.
 *
 * <p>Subclasses implement {@link #createBackend(Path)}.
 */
public abstract class SandboxSnapshotsContract {

    /** Longest wait for anything a sandbox does (generous for emulated microVMs). */
    protected static final Duration WAIT = Duration.ofSeconds(60);
    /** Memory of the sandboxes the contract saves and restores. */
    protected static final int MEMORY_MB = 128;
    private static final Pattern INITIALISED = Pattern.compile("initialised token=([0-9a-f]{32})\n");

    /**
     * Makes a random token during Init, then polls the Runtime API until a listener answers a first
     * line (the saved sandbox has none), prints the answer, asks a second time on a new connection
     * (answered only once the test allows it) and exits 0.
     */
    private static final String RUNTIME = """
            import os, socket, sys, time
            token = os.urandom(16).hex()
            print('initialised token=%s' % token, flush=True)
            host, port = sys.argv[1].rsplit(':', 1)
            def ask(question):
                while True:
                    try:
                        with socket.create_connection((host, int(port)), timeout=30) as s:
                            s.sendall(question.encode() + b'\\n')
                            answer = s.makefile().readline().strip()
                            if answer:
                                return answer
                    except OSError:
                        pass
                    time.sleep(0.1)
            first = ask('first')
            layer = open(os.path.join(sys.argv[2], 'layer.txt')).read().strip()
            print('first token=%s %s layer=%s' % (token, first, layer), flush=True)
            print('second token=%s %s' % (token, ask('second')), flush=True)
            """;

    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    private Path tempDir;

    private Path workDir;
    private SandboxBackend backend;
    private final List<Sandbox> started = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the backend under test; it must offer {@link SandboxBackend#snapshots()}.
     *
     * @param workDir an empty directory the backend may use for its own files
     */
    protected abstract SandboxBackend createBackend(Path workDir);

    @BeforeEach
    final void openBackend() throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        workDir = tempDir.toRealPath();
        Files.createDirectories(workDir.resolve("task"));
        Files.createDirectories(workDir.resolve("runtime"));
        Files.writeString(Files.createDirectories(workDir.resolve("opt")).resolve("layer.txt"), "from a layer\n");
        backend = createBackend(Files.createDirectories(workDir.resolve("backend")));
    }

    @AfterEach
    final void closeBackend() {
        try {
            backend.close();
            for (Sandbox sandbox : started) {
                assertThat(sandbox.exit()).as("sandbox %s still running after its backend closed", sandbox.id())
                        .succeedsWithin(WAIT);
            }
        } finally {
            listeners.forEach(Listener::close);
        }
    }

    @Test
    void clonesShareTheSavedStateAndEachReachesItsOwnRuntimeApi() throws Exception {
        SandboxSnapshots snapshots = backend.snapshots().orElseThrow(
                () -> new AssertionError(backend.name() + " offers no snapshots"));
        Listener gone = listener("saved");
        gone.close();
        Sandbox source = snapshots.launchForSnapshot(spec(gone, MEMORY_MB));
        started.add(source);
        OutputCollector sourceOutput = OutputCollector.start(source);
        await("the runtime to initialise").atMost(WAIT).until(() -> INITIALISED.matcher(sourceOutput.text()).find());
        Matcher initialised = INITIALISED.matcher(sourceOutput.text());
        assertThat(initialised.find()).isTrue();
        String token = initialised.group(1);

        SandboxImage image = snapshots.save(source, workDir.resolve("image"));

        assertThat(source.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(137, false, true));
        assertThat(image.memoryMb()).isEqualTo(MEMORY_MB);
        assertThat(image.sizeBytes()).isPositive();
        assertThat(image.directory()).isDirectory();

        Listener apiA = listener("clone-a");
        Listener apiB = listener("clone-b");
        Sandbox cloneA = restore(snapshots, image, apiA, MEMORY_MB);
        Sandbox cloneB = restore(snapshots, image, apiB, MEMORY_MB);
        OutputCollector outputA = OutputCollector.start(cloneA);
        OutputCollector outputB = OutputCollector.start(cloneB);
        await("clone a's first answer").atMost(WAIT).until(() -> outputA.text().contains("\n"));
        await("clone b's first answer").atMost(WAIT).until(() -> outputB.text().contains("\n"));

        assertThat(outputA.text()).as("clone a continues after Init, with the saved token, from its own listener")
                .isEqualTo("first token=" + token + " answer from clone-a to first layer=from a layer\n");
        assertThat(outputB.text()).as("clone b continues after Init, with the saved token, from its own listener")
                .isEqualTo("first token=" + token + " answer from clone-b to first layer=from a layer\n");
        assertThat(cloneA.id()).isNotEqualTo(cloneB.id());

        Listener apiC = listener("clone-c");
        assertThatThrownBy(() -> restore(snapshots, image, apiC, MEMORY_MB * 2))
                .as("a restore with another memory size").isInstanceOf(SandboxLaunchException.class);

        snapshots.delete(image);
        assertThat(image.directory()).doesNotExist();
        assertThatThrownBy(() -> restore(snapshots, image, apiC, MEMORY_MB))
                .as("a restore from a deleted image").isInstanceOf(SandboxLaunchException.class);

        apiA.release();
        apiB.release();
        assertThat(cloneA.exit()).as(outputA::text).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
        assertThat(cloneB.exit()).as(outputB::text).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
        await("clone outputs to end").atMost(WAIT).until(() -> outputA.ended() && outputB.ended());
        assertThat(outputA.text()).endsWith("second token=" + token + " answer from clone-a to second\n");
        assertThat(outputB.text()).endsWith("second token=" + token + " answer from clone-b to second\n");
        assertThat(apiC.questions()).isEmpty();
    }

    @Test
    void savingASandboxNotLaunchedForASnapshotIsRefused() throws Exception {
        SandboxSnapshots snapshots = backend.snapshots().orElseThrow(
                () -> new AssertionError(backend.name() + " offers no snapshots"));
        Listener api = listener("plain");
        Sandbox plain = backend.launch(spec(api, MEMORY_MB));
        started.add(plain);
        OutputCollector.start(plain);

        assertThatThrownBy(() -> snapshots.save(plain, workDir.resolve("refused")))
                .isInstanceOf(IllegalArgumentException.class);
        plain.kill();
        assertThat(plain.exit()).succeedsWithin(WAIT).extracting(SandboxExit::killed).isEqualTo(true);
    }

    private Sandbox restore(SandboxSnapshots snapshots, SandboxImage image, Listener api, int memoryMb)
            throws SandboxLaunchException, IOException {
        Sandbox sandbox = snapshots.restore(image, spec(api, memoryMb));
        started.add(sandbox);
        return sandbox;
    }

    private SandboxSpec spec(Listener api, int memoryMb) throws IOException {
        String id = "snapshots-" + IDS.incrementAndGet();
        Path task = workDir.resolve("task");
        Path runtime = workDir.resolve("runtime");
        Path scratch = Files.createDirectories(workDir.resolve("scratch").resolve(id));
        Optional<Path> opt = Optional.of(workDir.resolve("opt"));
        SandboxView view = backend.view(task, runtime, scratch, api.address(), opt);
        return new SandboxSpec(id, List.of("/usr/bin/python3", "-c", RUNTIME, view.runtimeApi(), view.optRoot()),
                Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"), task, runtime, scratch, api.address(),
                ResourceLimits.forMemory(memoryMb, 64), false, opt);
    }

    private Listener listener(String name) throws IOException {
        Listener listener = Listener.open(name, backend.runtimeApiTransport(), workDir.resolve(name + ".sock"));
        listeners.add(listener);
        return listener;
    }

    /**
     * A host-side listener standing in for one sandbox's Runtime API: answers each connection's
     * first line {@code Q} with {@code answer from NAME to Q}; from the second connection on, only
     * after {@link #release()}.
     */
    private static final class Listener implements AutoCloseable {
        private final String name;
        private final ServerSocketChannel channel;
        private final RuntimeApiAddress address;
        private final CountDownLatch released = new CountDownLatch(1);
        private final List<String> questions = new CopyOnWriteArrayList<>();

        private Listener(String name, ServerSocketChannel channel, RuntimeApiAddress address) {
            this.name = name;
            this.channel = channel;
            this.address = address;
            Thread.ofVirtual().name("snapshots-api-" + name).start(this::accept);
        }

        static Listener open(String name, RuntimeApiTransport transport, Path socketPath) throws IOException {
            return switch (transport) {
                case TCP_LOOPBACK -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
                    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                    yield new Listener(name, channel, new RuntimeApiAddress.Tcp("127.0.0.1", port));
                }
                case UNIX_SOCKET -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    channel.bind(UnixDomainSocketAddress.of(socketPath));
                    yield new Listener(name, channel, new RuntimeApiAddress.UnixSocket(socketPath));
                }
            };
        }

        RuntimeApiAddress address() {
            return address;
        }

        List<String> questions() {
            return List.copyOf(questions);
        }

        void release() {
            released.countDown();
        }

        private void accept() {
            while (channel.isOpen()) {
                try {
                    SocketChannel client = channel.accept();
                    Thread.ofVirtual().name("snapshots-api-" + name + "-conn").start(() -> answer(client));
                } catch (IOException e) {
                    if (channel.isOpen()) {
                        throw new UncheckedIOException("runtime API stand-in " + name + " failed", e);
                    }
                }
            }
        }

        private void answer(SocketChannel client) {
            try (client) {
                ByteBuffer in = ByteBuffer.allocate(1024);
                while (client.read(in) >= 0 && !new String(in.array(), 0, in.position(), UTF_8).contains("\n")) {
                    // keep reading until the first line is complete
                }
                String question = new String(in.array(), 0, in.position(), UTF_8).lines().findFirst().orElse("");
                if (question.isEmpty()) {
                    return;
                }
                questions.add(question);
                if (questions.size() > 1 && !released.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("listener " + name + " was never released");
                }
                ByteBuffer out = ByteBuffer.wrap(("answer from " + name + " to " + question + "\n").getBytes(UTF_8));
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (IOException e) {
                if (channel.isOpen()) {
                    throw new UncheckedIOException("runtime API stand-in " + name + " failed", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("listener " + name + " interrupted", e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the runtime API stand-in " + name + " failed", e);
            }
        }
    }
}
