package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stem cells: after a first launch of a (runtime, {@code /tmp} size, network) key, the backend keeps
 * sandboxes of that key (which includes the layers' tree at {@code /opt}) built; the next launch
 * takes one and sees only its own code, its layers, limits, environment and Runtime API, and the cell's directory is gone once the sandbox has ended.
 */
final class TestNamespaceStemCells {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * Lists /var/task, reads a file, tries to write there, reads its layers at /opt and tries to write
     * there, and exchanges a line over the Runtime API port.
     */
    private static final String PROGRAM = """
            import os, socket
            print(sorted(os.path.relpath(os.path.join(d, f), '/var/task') for d, _, fs in os.walk('/var/task') for f in fs))
            print(open('/var/task/sub/c.txt').read().strip(), os.getcwd(), os.getuid() != 0, os.environ['FUNCTION'])
            try:
                open('/var/task/new.txt', 'w')
            except OSError as e:
                print('read-only', e.errno)
            print(sorted(os.listdir('/opt')), open('/opt/lib/layer.txt').read().strip())
            try:
                open('/opt/lib/layer.txt', 'a')
            except OSError:
                print('layers not writable')
            with socket.create_connection(('127.0.0.1', 9001), timeout=10) as s:
                s.sendall(b'ping\\n')
                print(s.makefile().readline().strip())
            """;

    @TempDir
    private Path work;
    /** The layers' tree both launches share, as the worker shares one per layer list. */
    private Path layers;

    @Test
    void aLaunchAfterTheFirstOfItsKeyTakesAStemCellAndSeesOnlyItsOwnCodeLayersAndRuntimeApi() throws Exception {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path runtime = directory(work.resolve("runtime"));
        Path state = work.resolve("state");
        layers = directory(work.resolve("layers"));
        Path lib = directory(layers.resolve("lib"));
        Files.writeString(lib.resolve("layer.txt"), "layers of both");
        Files.setPosixFilePermissions(lib.resolve("layer.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        ResourceLimits limits = new ResourceLimits(256, 0.25, 50, 32);
        try (NamespaceSandboxBackend backend = new NamespaceSandboxBackend(
                NamespaceSandboxSettings.defaults(state).withLaunchPoolSize(1))) {
            Launched first = launch(backend, "first", runtime, limits);
            assertThat(first.sandbox().cgroup().directories().getFirst().getFileName().toString()).doesNotStartWith("_cell-");
            assertThat(first.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
            StemCells.Key key = new StemCells.Key(runtime, 32, false, Optional.of(layers));
            await().atMost(WAIT).until(() -> backend.readyStemCells(key) == 1);

            Launched second = launch(backend, "second", runtime, limits);
            Path memory = second.sandbox().cgroup().directories().getFirst();

            assertThat(memory.getFileName().toString()).startsWith("_cell-");
            assertThat(backend.readyStemCells(new StemCells.Key(runtime, 32, false)))
                    .as("cells are per layer tree: none were built for functions without layers").isZero();
            assertThat(memory.resolve("memory.limit_in_bytes")).content().isEqualToIgnoringNewLines("268435456");
            assertThat(second.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
            assertThat(second.output()).succeedsWithin(WAIT).isEqualTo("""
                    ['second.txt', 'sub/c.txt']
                    code of second /var/task True second
                    read-only 30
                    ['lib'] layers of both
                    layers not writable
                    pong second
                    """);
            assertThat(second.sandbox().released()).succeedsWithin(WAIT);
            // the taken cell's directory is deleted after the release, while refills build new ones
            await("the taken cell's directory to be deleted").atMost(WAIT).ignoreExceptionsInstanceOf(UncheckedIOException.class)
                    .untilAsserted(() -> {
                        try (Stream<Path> left = Files.walk(state.resolve("cells"))) {
                            assertThat(left.map(path -> path.getFileName().toString())).doesNotContain("second.txt", "c.txt", "layer.txt");
                        }
                    });
        }
    }

    private record Launched(NamespaceSandbox sandbox, CompletableFuture<String> output) {
        CompletableFuture<SandboxExit> exit() {
            return sandbox.exit();
        }
    }

    private Launched launch(NamespaceSandboxBackend backend, String name, Path runtime, ResourceLimits limits)
            throws Exception {
        Path dir = directory(work.resolve(name));
        Path task = directory(dir.resolve("task"));
        directory(task.resolve("sub"));
        Files.writeString(task.resolve(name + ".txt"), name);
        Files.writeString(task.resolve("sub/c.txt"), "code of " + name);
        for (Path file : List.of(task.resolve(name + ".txt"), task.resolve("sub/c.txt"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Path socket = dir.resolve("api.sock");
        ServerSocketChannel api = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        api.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> answer(api, name));
        NamespaceSandbox sandbox = (NamespaceSandbox) backend.launch(new SandboxSpec(name + "-" + ProcessHandle.current().pid(),
                List.of("/usr/bin/python3", "-c", PROGRAM), Map.of("FUNCTION", name, "PATH", "/usr/bin:/bin"), task, runtime,
                directory(dir.resolve("scratch")), new RuntimeApiAddress.UnixSocket(socket), limits, false,
                Optional.of(layers)));
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (var in = sandbox.output()) {
                return new String(in.readAllBytes(), UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, command -> Thread.ofVirtual().start(command));
        sandbox.exit().whenComplete((exit, failure) -> closeQuietly(api));
        return new Launched(sandbox, output);
    }

    /** Answers each connection's first line with {@code pong NAME}. */
    private static void answer(ServerSocketChannel api, String name) {
        while (api.isOpen()) {
            try (SocketChannel client = api.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), UTF_8));
                if ("ping".equals(in.readLine())) {
                    Channels.newOutputStream(client).write(("pong " + name + "\n").getBytes(UTF_8));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void closeQuietly(ServerSocketChannel api) {
        try {
            api.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
