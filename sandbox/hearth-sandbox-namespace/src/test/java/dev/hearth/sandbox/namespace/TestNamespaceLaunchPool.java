package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Launches through a {@link LaunchPool} process and without one, and the bytes both read from stdin. */
final class TestNamespaceLaunchPool {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> SHOW_ENVIRONMENT_AND_ARGUMENTS = List.of("/usr/bin/python3", "-c",
            "import sys; print(sorted(open('/proc/self/environ', 'rb').read().split(b'\\0')[:-1])); print(sys.argv[1:])",
            "two words", "");
    private static final Map<String, String> ENVIRONMENT =
            Map.of("PATH", "/usr/bin:/bin", "LD_PRELOAD", "/nonexistent/on/the/host.so", "EMPTY", "");
    /**
     * The runtime's exact environment and arguments, after the one complaint of the dynamic linker:
     * only the runtime gets the function's {@code LD_PRELOAD}, none of the launch steps before it.
     */
    private static final String EXPECTED_OUTPUT = "ERROR: ld.so: object '/nonexistent/on/the/host.so' from LD_PRELOAD"
            + " cannot be preloaded (cannot open shared object file): ignored.\n"
            + "[b'EMPTY=', b'LD_PRELOAD=/nonexistent/on/the/host.so', b'PATH=/usr/bin:/bin']\n['two words', '']\n";

    @TempDir
    private Path work;

    @Test
    void aPooledLaunchRunsInItsOwnCgroupWithTheSandboxsLimitsAndCloseLeavesNoPoolBehind() throws Exception {
        Path parent;
        try (NamespaceSandboxBackend backend = backend(2)) {
            assertThat(backend.probe().usable()).isTrue();
            await().atMost(WAIT).until(() -> backend.waitingLaunchers() == 2);

            NamespaceSandbox sandbox = launch(backend, "pooled", new ResourceLimits(256, 0.25, 50, 32));
            CompletableFuture<String> output = collect(sandbox);

            Path memory = sandbox.cgroup().directories().getFirst();
            assertThat(memory.getFileName().toString()).startsWith("_pool-");
            assertThat(memory.resolve("memory.limit_in_bytes")).content().isEqualToIgnoringNewLines("268435456");
            assertThat(sandbox.cgroup().cpuQuotaMicros()).hasValue(25_000);
            assertThat(sandbox.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
            assertThat(output).succeedsWithin(WAIT).isEqualTo(EXPECTED_OUTPUT);
            assertThat(sandbox.released()).succeedsWithin(WAIT);
            assertThat(memory).doesNotExist();
            parent = memory.getParent();
            await().atMost(WAIT).until(() -> backend.waitingLaunchers() == 2);
        }
        try (var children = Files.list(parent)) {
            assertThat(children.map(child -> child.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("_pool-" + ProcessHandle.current().pid() + "-"));
        }
    }

    @Test
    void withoutAPoolALaunchJoinsACgroupNamedAfterTheSandbox() throws Exception {
        try (NamespaceSandboxBackend backend = backend(0)) {
            NamespaceSandbox sandbox = launch(backend, "direct", ResourceLimits.forMemory(128, 32));
            CompletableFuture<String> output = collect(sandbox);

            assertThat(sandbox.cgroup().directories()).allSatisfy(dir ->
                    assertThat(dir.getFileName().toString()).isEqualTo(sandbox.id()));
            assertThat(sandbox.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
            assertThat(output).succeedsWithin(WAIT).isEqualTo(EXPECTED_OUTPUT);
            assertThat(backend.waitingLaunchers()).isZero();
        }
    }

    @Test
    void aRequestIsItsLengthThenNulEndedArguments() {
        assertThat(new String(LaunchProgram.encode(List.of("a", "", "b c")), UTF_8)).isEqualTo("0000000007a\0\0b c\0");
        assertThatThrownBy(() -> LaunchProgram.encode(List.of("a\0b"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCommandAndEnvironmentAreFramedSortedAndRefuseWhatNoProcessCanCarry() {
        assertThat(RuntimeApiLauncher.environment(Map.of("B", "x=y", "A", ""))).containsExactly("A=", "B=x=y");
        assertThat(new String(RuntimeApiLauncher.request(List.of("/bin/run", "-x"), Map.of("B", "2", "A", "1")), UTF_8))
                .isEqualTo("0000000022" + "2\0/bin/run\0-x\0A=1\0B=2\0");
        assertThatThrownBy(() -> RuntimeApiLauncher.environment(Map.of("A=B", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A=B");
        assertThatThrownBy(() -> RuntimeApiLauncher.environment(Map.of("A", "1\0"))).isInstanceOf(IllegalArgumentException.class);
    }

    private NamespaceSandboxBackend backend(int poolSize) throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(work.resolve("state-" + poolSize))
                .withLaunchPoolSize(poolSize));
    }

    private NamespaceSandbox launch(NamespaceSandboxBackend backend, String id, ResourceLimits limits) throws Exception {
        Path dir = Files.createDirectories(work.resolve(id));
        Path task = Files.createDirectories(dir.resolve("task"));
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        for (Path each : List.of(dir, task, runtime, scratch)) {
            Files.setPosixFilePermissions(each, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path socket = dir.resolve("api.sock");
        ServerSocketChannel api = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        api.bind(UnixDomainSocketAddress.of(socket));
        NamespaceSandbox sandbox = (NamespaceSandbox) backend.launch(new SandboxSpec(id + "-" + ProcessHandle.current().pid(),
                SHOW_ENVIRONMENT_AND_ARGUMENTS, ENVIRONMENT, task, runtime, scratch, new RuntimeApiAddress.UnixSocket(socket),
                limits, false));
        sandbox.exit().whenComplete((exit, failure) -> {
            try {
                api.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return sandbox;
    }

    private static CompletableFuture<String> collect(NamespaceSandbox sandbox) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (var output = sandbox.output()) {
                text.complete(new String(output.readAllBytes(), UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        });
        return text.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
