package dev.hearth.sandbox.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link ResourceLimits#unthrottledInit()} and {@link Sandbox#initialised()} for
 * a backend whose sandboxes live in a {@link SandboxCgroup}, run against real sandboxes by each
 * such backend's test class ({@code TestNamespaceInitCpuLimit extends UnthrottledInitContract}):
 * <ul>
 *   <li>with {@code unthrottledInit} the cgroup has no CPU quota while the sandbox runs its Init;</li>
 *   <li>{@code initialised()} writes the quota for {@code vcpus}; calling it again changes nothing;</li>
 *   <li>{@code initialised()} on a sandbox that has exited (killed or on its own) does not throw;</li>
 *   <li>without {@code unthrottledInit} the quota is there from launch on.</li>
 * </ul>
 * Only {@code /bin/sh} and {@code /bin/true} run inside.
 */
public abstract class UnthrottledInitContract {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    private Path work;
    private SandboxBackend backend;
    private ServerSocketChannel runtimeApi;
    private Path socket;

    /** A backend keeping its state under {@code stateDir}; closed by the contract. */
    protected abstract SandboxBackend createBackend(Path stateDir);

    /** The cgroup of a sandbox that {@link #createBackend}'s backend launched. */
    protected abstract SandboxCgroup cgroupOf(Sandbox sandbox);

    /** The CPU quota per {@link CgroupLimits#CPU_PERIOD_US} the backend gives a function of {@code vcpus}. */
    protected abstract long quotaFor(double vcpus);

    @BeforeEach
    final void openBackend() throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        backend = createBackend(work.resolve("state"));
        socket = work.resolve("api.sock");
        runtimeApi = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        runtimeApi.bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterEach
    final void closeBackend() throws IOException {
        backend.close();
        runtimeApi.close();
    }

    @Test
    void initRunsWithoutQuotaAndInitialisedAppliesItOnce() throws Exception {
        Sandbox sandbox = launch("init", ResourceLimits.forMemory(128, 64), List.of("/bin/sh", "-c", "sleep 600"));
        SandboxCgroup cgroup = cgroupOf(sandbox);

        assertThat(cgroup.cpuQuotaMicros()).as("during Init").isEmpty();

        sandbox.initialised();
        assertThat(cgroup.cpuQuotaMicros()).as("after Init").hasValue(quotaFor(128.0 / ResourceLimits.MB_PER_VCPU));
        sandbox.initialised();
        assertThat(cgroup.cpuQuotaMicros()).as("called again").hasValue(quotaFor(128.0 / ResourceLimits.MB_PER_VCPU));

        sandbox.kill();
        assertThat(sandbox.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThatCode(sandbox::initialised).as("after exit").doesNotThrowAnyException();
        await().atMost(WAIT).until(() -> cgroup.directories().stream().noneMatch(Files::exists));
        assertThatCode(sandbox::initialised).as("after its cgroup is gone").doesNotThrowAnyException();
    }

    @Test
    void initialisedAfterAnExitOfItsOwnDoesNothing() throws Exception {
        Sandbox sandbox = launch("exits", ResourceLimits.forMemory(128, 64), List.of("/bin/true"));
        SandboxCgroup cgroup = cgroupOf(sandbox);

        assertThat(sandbox.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(0, false, false));
        assertThatCode(sandbox::initialised).doesNotThrowAnyException();
        await().atMost(WAIT).until(() -> cgroup.directories().stream().noneMatch(Files::exists));
        assertThatCode(sandbox::initialised).doesNotThrowAnyException();
        assertThat(cgroup.cpuQuotaMicros()).isEmpty();
    }

    @Test
    void withoutUnthrottledInitTheQuotaAppliesFromLaunch() throws Exception {
        Sandbox sandbox = launch("throttled", new ResourceLimits(256, 0.25, 50, 32), List.of("/bin/sh", "-c", "sleep 600"));

        assertThat(cgroupOf(sandbox).cpuQuotaMicros()).hasValue(quotaFor(0.25));
        sandbox.initialised();
        assertThat(cgroupOf(sandbox).cpuQuotaMicros()).hasValue(quotaFor(0.25));
        sandbox.kill();
        assertThat(sandbox.exit()).succeedsWithin(WAIT);
    }

    private Sandbox launch(String name, ResourceLimits limits, List<String> command) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path task = Files.createDirectories(dir.resolve("task"));
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        for (Path each : List.of(dir, task, runtime, scratch)) {
            Files.setPosixFilePermissions(each, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Sandbox sandbox = backend.launch(new SandboxSpec(name + "-" + ProcessHandle.current().pid(), command,
                Map.of("PATH", "/usr/bin:/bin"), task, runtime, scratch, new RuntimeApiAddress.UnixSocket(socket), limits,
                false));
        Thread.ofVirtual().start(() -> {
            try (var output = sandbox.output()) {
                output.transferTo(System.err);
            } catch (IOException e) {
                throw new IllegalStateException("reading the output of " + sandbox.id() + " failed", e);
            }
        });
        return sandbox;
    }
}
