package dev.hearth.sandbox.gvisor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.process.ProcessSandboxSettings;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackendContract.OutputCollector;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold start of the gvisor backend beside the process backend and the bare interpreter, in one run,
 * rounds interleaved so that machine load hits every column alike. Not a regular test (it takes
 * about a minute and asserts no timings); run it with
 * {@code ./mvnw -B -q -o -f sandbox/hearth-sandbox-gvisor/pom.xml test -Dtest=TestGvisorColdStart
 * -Dhearth.coldstart=true [-Dhearth.coldstart.rounds=15]} and read the table in
 * {@code target/surefire-reports/dev.hearth.sandbox.gvisor.TestGvisorColdStart-output.txt}.
 *
 * <p>Columns: {@code python3 -c pass} to exit; Hearth's python bootstrap (the runtimes module's
 * {@code bootstrap.py} with a no-op handler) from launch to its first Runtime API connection;
 * {@code /bin/true} to exit, with {@code runsc do /bin/true} as the reference for runsc's other mode.
 */
@EnabledIfSystemProperty(named = "hearth.coldstart", matches = "true")
@Isolated
final class TestGvisorColdStart {

    private static final int ROUNDS = Integer.getInteger("hearth.coldstart.rounds", 10);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path BOOTSTRAP =
            Path.of("../../runtimes/hearth-runtimes/src/main/resources/dev/hearth/runtimes/root/python/bootstrap.py");
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    private Path tempDir;

    private Path taskRoot;
    private Path runtimeRoot;
    private int sandboxes;

    @Test
    void compareColdStarts() throws Exception {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = tempDir.toRealPath();
        taskRoot = Files.createDirectories(work.resolve("task"));
        Files.writeString(taskRoot.resolve("handler.py"), "def handler(event, context):\n    return event\n");
        runtimeRoot = Files.createDirectories(work.resolve("runtime"));
        Files.copy(BOOTSTRAP, runtimeRoot.resolve("bootstrap.py"));
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        try (GvisorSandboxBackend gvisor = new GvisorSandboxBackend(
                        GvisorSandboxSettings.defaults(Files.createDirectories(work.resolve("gvisor"))));
                ProcessSandboxBackend process = new ProcessSandboxBackend(ProcessSandboxSettings.defaults())) {
            RunscCommand runscDo = new RunscCommand(Path.of("/usr/bin/runsc"), Files.createDirectories(work.resolve("do")));
            for (int round = 0; round < ROUNDS; round++) {
                record(samples, "python3 -c pass: bare", bareToExit(List.of(PYTHON, "-c", "pass")));
                record(samples, "python3 -c pass: process", sandboxToExit(process, work, v -> List.of(PYTHON, "-c", "pass")));
                record(samples, "python3 -c pass: gvisor", sandboxToExit(gvisor, work, v -> List.of(PYTHON, "-c", "pass")));
                record(samples, "bootstrap to 1st connect: bare", bareToConnect(work));
                record(samples, "bootstrap to 1st connect: process", sandboxToConnect(process, work));
                record(samples, "bootstrap to 1st connect: gvisor", sandboxToConnect(gvisor, work));
                record(samples, "/bin/true: bare", bareToExit(List.of("/bin/true")));
                record(samples, "/bin/true: gvisor (runsc run)", sandboxToExit(gvisor, work, v -> List.of("/bin/true")));
                record(samples, "/bin/true: runsc do", bareToExit(runscDo.doTrue()));
            }
        }
        System.out.println(table(samples));
        assertThat(samples).hasSize(9).allSatisfy((name, values) -> assertThat(values).hasSize(ROUNDS));
    }

    /**
     * Warm request round trips over the Runtime API path: a python client inside the sandbox sends a
     * line and waits for the host's reply, 2,000 times on one connection; reports its median and p99.
     */
    @Test
    void compareWarmRoundTrips() throws Exception {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = tempDir.toRealPath();
        taskRoot = Files.createDirectories(work.resolve("task"));
        runtimeRoot = Files.createDirectories(work.resolve("runtime"));
        Files.writeString(runtimeRoot.resolve("pingpong.py"), PING_PONG);
        StringBuilder text = new StringBuilder("warm round trip over the Runtime API path (2000 on one connection)\n");
        try (GvisorSandboxBackend gvisor = new GvisorSandboxBackend(
                        GvisorSandboxSettings.defaults(Files.createDirectories(work.resolve("gvisor"))));
                ProcessSandboxBackend process = new ProcessSandboxBackend(ProcessSandboxSettings.defaults())) {
            for (SandboxBackend backend : List.of(process, gvisor)) {
                try (Listener listener = Listener.open(backend, work.resolve("api-" + (++sandboxes) + ".sock"))) {
                    Prepared prepared = prepare(backend, work, listener);
                    Thread echo = Thread.ofVirtual().start(() -> listener.echoLines());
                    Sandbox sandbox = backend.launch(spec(prepared,
                            List.of(PYTHON, prepared.view().runtimeRoot() + "/pingpong.py", prepared.view().runtimeApi()),
                            listener));
                    OutputCollector output = OutputCollector.start(sandbox);
                    assertThat(sandbox.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status())
                            .as("output: %s", output.text()).isZero();
                    echo.join(WAIT);
                    await().atMost(WAIT).until(output::ended);
                    assertThat(output.text()).startsWith("median ");
                    text.append(String.format("%-10s %s", backend.name(), output.text()));
                }
            }
        }
        System.out.println(text);
    }

    private static final String PING_PONG = """
            import socket, sys, time
            host, port = sys.argv[1].rsplit(':', 1)
            connection = socket.create_connection((host, int(port)))
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = connection.makefile('rb')
            samples = []
            for i in range(2000):
                start = time.perf_counter_ns()
                connection.sendall(b'ping\\n')
                reader.readline()
                samples.append(time.perf_counter_ns() - start)
            connection.close()
            samples.sort()
            print('median %.1f us, p99 %.1f us' % (samples[1000] / 1000, samples[1980] / 1000))
            """;

    private static void record(Map<String, List<Long>> samples, String name, long nanos) {
        samples.computeIfAbsent(name, key -> new ArrayList<>()).add(nanos);
    }

    private static long bareToExit(List<String> argv) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null")).start();
        assertThat(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        long nanos = System.nanoTime() - start;
        assertThat(process.exitValue()).as("%s", argv).isZero();
        return nanos;
    }

    private long sandboxToExit(SandboxBackend backend, Path work, Function<SandboxView, List<String>> command)
            throws Exception {
        try (Listener listener = Listener.open(backend, work.resolve("api-" + (++sandboxes) + ".sock"))) {
            Prepared prepared = prepare(backend, work, listener);
            long start = System.nanoTime();
            Sandbox sandbox = backend.launch(spec(prepared, command.apply(prepared.view()), listener));
            OutputCollector output = OutputCollector.start(sandbox);
            int status = sandbox.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status();
            long nanos = System.nanoTime() - start;
            assertThat(status).as("output: %s", output.text()).isZero();
            return nanos;
        }
    }

    private long bareToConnect(Path work) throws Exception {
        try (Listener listener = Listener.open(new ProcessSandboxBackend(ProcessSandboxSettings.defaults()), null)) {
            Map<String, String> environment = lambdaEnvironment(taskRoot.toString(), listener.hostPort());
            ProcessBuilder builder = new ProcessBuilder(PYTHON, runtimeRoot.resolve("bootstrap.py").toString())
                    .directory(taskRoot.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(environment);
            long start = System.nanoTime();
            Process process = builder.start();
            try (SocketChannel ignored = listener.accept()) {
                return System.nanoTime() - start;
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private long sandboxToConnect(SandboxBackend backend, Path work) throws Exception {
        try (Listener listener = Listener.open(backend, work.resolve("api-" + (++sandboxes) + ".sock"))) {
            Prepared prepared = prepare(backend, work, listener);
            List<String> command = List.of(PYTHON, prepared.view().runtimeRoot() + "/bootstrap.py");
            long start = System.nanoTime();
            Sandbox sandbox = backend.launch(new SandboxSpec(prepared.id(), command,
                    lambdaEnvironment(prepared.view().taskRoot(), prepared.view().runtimeApi()), taskRoot, runtimeRoot,
                    prepared.scratch(), listener.address(), ResourceLimits.forMemory(512, 512), false));
            OutputCollector output = OutputCollector.start(sandbox);
            try (SocketChannel ignored = listener.accept()) {
                return System.nanoTime() - start;
            } catch (RuntimeException e) {
                throw new AssertionError("no Runtime API connection; output: " + output.text(), e);
            } finally {
                sandbox.kill();
                sandbox.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static Map<String, String> lambdaEnvironment(String taskRootInside, String runtimeApi) {
        return Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "_HANDLER", "handler.handler",
                "LAMBDA_TASK_ROOT", taskRootInside, "AWS_LAMBDA_RUNTIME_API", runtimeApi,
                "AWS_LAMBDA_FUNCTION_NAME", "cold", "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
    }

    private record Prepared(String id, Path scratch, SandboxView view) {}

    private Prepared prepare(SandboxBackend backend, Path work, Listener listener) throws IOException {
        String id = "cold-" + (++sandboxes);
        Path scratch = Files.createDirectories(work.resolve("scratch").resolve(id));
        return new Prepared(id, scratch, backend.view(taskRoot, runtimeRoot, scratch, listener.address()));
    }

    private SandboxSpec spec(Prepared prepared, List<String> command, Listener listener) {
        return new SandboxSpec(prepared.id(), command, Map.of("PATH", "/usr/bin:/bin"), taskRoot, runtimeRoot,
                prepared.scratch(), listener.address(), ResourceLimits.forMemory(512, 512), false);
    }

    private static String table(Map<String, List<Long>> samples) {
        StringBuilder text = new StringBuilder(String.format("%-40s %9s %9s %9s   (%d rounds, ms)%n",
                "cold start", "median", "p90", "min", ROUNDS));
        samples.forEach((name, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            text.append(String.format("%-40s %9.1f %9.1f %9.1f%n", name, millis(sorted.get(sorted.size() / 2)),
                    millis(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1))),
                    millis(sorted.getFirst())));
        });
        return text.toString();
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** A Runtime API stand-in of the backend's transport that only accepts. */
    private record Listener(ServerSocketChannel channel, RuntimeApiAddress address) implements AutoCloseable {
        static Listener open(SandboxBackend backend, Path socket) throws IOException {
            return switch (backend.runtimeApiTransport()) {
                case TCP_LOOPBACK -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
                    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    yield new Listener(channel, new RuntimeApiAddress.Tcp("127.0.0.1",
                            ((InetSocketAddress) channel.getLocalAddress()).getPort()));
                }
                case UNIX_SOCKET -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    channel.bind(UnixDomainSocketAddress.of(socket));
                    yield new Listener(channel, new RuntimeApiAddress.UnixSocket(socket));
                }
            };
        }

        String hostPort() {
            return ((RuntimeApiAddress.Tcp) address).hostPort();
        }

        /** Answers each line of one connection with {@code pong}, until it closes. */
        void echoLines() {
            try (SocketChannel client = channel.accept()) {
                BufferedReader in = new BufferedReader(Channels.newReader(client, UTF_8));
                ByteBuffer pong = ByteBuffer.wrap("pong\n".getBytes(UTF_8));
                while (in.readLine() != null) {
                    pong.rewind();
                    while (pong.hasRemaining()) {
                        client.write(pong);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        SocketChannel accept() throws Exception {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return channel.accept();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, task -> Thread.ofVirtual().start(task)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
