package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.process.ProcessSandboxSettings;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cold-start comparison, one run: {@code python3 -c pass} to exit, and Hearth's python bootstrap
 * from launch to its first connection on the Runtime API, as a bare process, under the
 * {@code process} backend and under the {@code namespace} backend. Rounds interleave the
 * variants so machine noise spreads evenly. Not a test: run it with
 * {@code ./mvnw -o -q -f sandbox/hearth-sandbox-namespace/pom.xml exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.hearth.sandbox.namespace.ColdStartComparison -Dexec.args="ROUNDS BOOTSTRAP_DIR MEMORY_MB"}.
 */
public final class ColdStartComparison {

    private static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Path work;
    private final int memoryMb;
    private final Path taskRoot;
    private final Path runtimeRoot;
    private final Map<String, List<Long>> nanos = new LinkedHashMap<>();

    private ColdStartComparison(Path work, Path bootstrapDir, int memoryMb) throws IOException {
        this.work = work;
        this.memoryMb = memoryMb;
        this.taskRoot = Files.createDirectories(work.resolve("task"));
        Files.writeString(taskRoot.resolve("app.py"), "def handler(event, context):\n    return event\n");
        this.runtimeRoot = Files.createDirectories(work.resolve("runtime"));
        Files.copy(bootstrapDir.resolve("bootstrap.py"), runtimeRoot.resolve("bootstrap.py"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path bootstrapDir = Path.of(args.length > 1 ? args[1]
                : "runtimes/hearth-runtimes/src/main/resources/dev/hearth/runtimes/root/python");
        Path work = Files.createTempDirectory("hearth-cold-start");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        // 1,769 MB buys one vCPU; smaller functions get a CPU quota that throttles interpreter start-up, as in Lambda
        int memoryMb = args.length > 2 ? Integer.parseInt(args[2]) : ResourceLimits.MB_PER_VCPU;
        ColdStartComparison comparison = new ColdStartComparison(work, bootstrapDir, memoryMb);
        try (NamespaceSandboxBackend namespace =
                        new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(work.resolve("state")));
                ProcessSandboxBackend process =
                        new ProcessSandboxBackend(new ProcessSandboxSettings(Duration.ofMillis(50), 65534, 65534))) {
            System.out.println("namespace: " + namespace.probe().summary());
            for (int round = -2; round < rounds; round++) { // two warm-up rounds, not recorded
                boolean record = round >= 0;
                comparison.record(record, "python3 -c pass: bare", comparison.barePass());
                comparison.record(record, "python3 -c pass: process backend", comparison.sandboxPass(process));
                comparison.record(record, "python3 -c pass: namespace backend", comparison.sandboxPass(namespace));
                comparison.record(record, "bootstrap to first connect: bare", comparison.bareBootstrap());
                comparison.record(record, "bootstrap to first connect: process backend", comparison.sandboxBootstrap(process));
                comparison.record(record, "bootstrap to first connect: namespace backend", comparison.sandboxBootstrap(namespace));
                comparison.networkAccess = true;
                comparison.record(record, "bootstrap to first connect: namespace + network", comparison.sandboxBootstrap(namespace));
                comparison.networkAccess = false;
            }
        }
        try (var files = Files.walk(work)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        System.out.printf("%-48s %8s %8s %8s  (%d rounds, %d MB)%n", "variant", "median", "p90", "min", rounds, memoryMb);
        comparison.nanos.forEach((name, samples) -> {
            List<Long> sorted = samples.stream().sorted(Comparator.naturalOrder()).toList();
            System.out.printf("%-48s %6.1fms %6.1fms %6.1fms%n", name, ms(sorted.get(sorted.size() / 2)),
                    ms(sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.9) - 1))), ms(sorted.getFirst()));
        });
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private boolean recording;
    private boolean networkAccess;

    private void record(boolean record, String name, long elapsed) {
        recording = record;
        if (record) {
            nanos.computeIfAbsent(name, k -> new ArrayList<>()).add(elapsed);
        }
    }

    private long barePass() throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder("/usr/bin/python3", "-c", "pass").start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("bare python3 failed");
        }
        return System.nanoTime() - start;
    }

    private long sandboxPass(SandboxBackend backend) throws Exception {
        try (Listener listener = Listener.open(backend.runtimeApiTransport(), work)) {
            SandboxView view = view(backend, listener);
            long start = System.nanoTime();
            Sandbox sandbox = backend.launch(spec(listener, List.of("/usr/bin/python3", "-c", "pass"), ENVIRONMENT));
            long launched = System.nanoTime();
            drain(sandbox.output());
            long outputEnded = System.nanoTime();
            int status = sandbox.exit().get(30, TimeUnit.SECONDS).status();
            long elapsed = System.nanoTime() - start;
            record(recording, "  of which launch() returned: " + backend.name(), launched - start);
            record(recording, "  of which output EOF to exit(): " + backend.name(), System.nanoTime() - outputEnded);
            if (status != 0) {
                throw new IllegalStateException(backend.name() + ": python3 -c pass exited " + status + " in " + view);
            }
            return elapsed;
        }
    }

    private long bareBootstrap() throws Exception {
        try (Listener listener = Listener.open(RuntimeApiTransport.TCP_LOOPBACK, work)) {
            String api = ((RuntimeApiAddress.Tcp) listener.address()).hostPort();
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", runtimeRoot.resolve("bootstrap.py").toString())
                    .directory(taskRoot.toFile()).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(bootstrapEnvironment(taskRoot.toString(), api));
            long start = System.nanoTime();
            Process process = builder.start();
            try (SocketChannel ignored = listener.channel().accept()) {
                return System.nanoTime() - start;
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private long sandboxBootstrap(SandboxBackend backend) throws Exception {
        try (Listener listener = Listener.open(backend.runtimeApiTransport(), work)) {
            SandboxView view = view(backend, listener);
            List<String> command = List.of("/usr/bin/python3", view.runtimeRoot() + "/bootstrap.py");
            long start = System.nanoTime();
            Sandbox sandbox = backend.launch(spec(listener, command, bootstrapEnvironment(view.taskRoot(), view.runtimeApi())));
            Thread.ofVirtual().start(() -> drain(sandbox.output()));
            // a sandbox that ends without connecting closes the listener, so the accept below fails instead of waiting forever
            sandbox.exit().thenRun(() -> {
                try {
                    listener.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SocketChannel ignored = listener.channel().accept()) {
                return System.nanoTime() - start;
            } catch (AsynchronousCloseException e) {
                throw new IllegalStateException(backend.name() + ": the sandbox ended (" + sandbox.exit().join()
                        + ") before connecting to the Runtime API; its output is above", e);
            } finally {
                sandbox.kill();
                sandbox.exit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<String, String> bootstrapEnvironment(String taskRoot, String runtimeApi) {
        Map<String, String> environment = new LinkedHashMap<>(ENVIRONMENT);
        environment.putAll(Map.of("_HANDLER", "app.handler", "LAMBDA_TASK_ROOT", taskRoot,
                "AWS_LAMBDA_RUNTIME_API", runtimeApi, "AWS_LAMBDA_FUNCTION_NAME", "cold-start",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512", "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"));
        return environment;
    }

    private SandboxView view(SandboxBackend backend, Listener listener) {
        return backend.view(taskRoot, runtimeRoot, work.resolve("scratch"), listener.address());
    }

    private SandboxSpec spec(Listener listener, List<String> command, Map<String, String> environment) throws IOException {
        String id = "cold-" + IDS.incrementAndGet();
        Path scratch = Files.createDirectories(work.resolve("scratch").resolve(id));
        return new SandboxSpec(id, command, environment, taskRoot, runtimeRoot, scratch, listener.address(),
                ResourceLimits.forMemory(memoryMb, 512), networkAccess);
    }

    private static void drain(InputStream output) {
        try (output) {
            output.transferTo(System.err);
        } catch (IOException e) {
            throw new IllegalStateException("reading sandbox output failed", e);
        }
    }

    private record Listener(ServerSocketChannel channel, RuntimeApiAddress address) implements AutoCloseable {
        static Listener open(RuntimeApiTransport transport, Path dir) throws IOException {
            return switch (transport) {
                case TCP_LOOPBACK -> {
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
                    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    yield new Listener(channel, new RuntimeApiAddress.Tcp("127.0.0.1",
                            ((InetSocketAddress) channel.getLocalAddress()).getPort()));
                }
                case UNIX_SOCKET -> {
                    Path socket = dir.resolve("api-" + IDS.incrementAndGet() + ".sock");
                    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    channel.bind(UnixDomainSocketAddress.of(socket));
                    yield new Listener(channel, new RuntimeApiAddress.UnixSocket(socket));
                }
            };
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
