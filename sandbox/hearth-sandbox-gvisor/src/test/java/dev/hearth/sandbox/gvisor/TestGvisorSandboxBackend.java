package dev.hearth.sandbox.gvisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackendContract;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SPI contract against real runsc sandboxes (needs root, runsc, socat); escapes are in {@link TestGvisorEscapes}. */
final class TestGvisorSandboxBackend extends SandboxBackendContract {

    private Path stateDir;

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        stateDir = workDir;
        return new GvisorSandboxBackend(GvisorSandboxSettings.defaults(workDir));
    }

    /** Not yet: {@code /tmp} is a tmpfs kept in gVisor's memory, counted against the sandbox's memory. */
    @Override
    protected boolean tmpIsEphemeralStorage() {
        return false;
    }

    @Test
    void probeIsUsableAndNamesThePtracePlatform() {
        HostSupport support = backend().probe();

        assertThat(support.usable()).as("%s", support).isTrue();
        assertThat(support.summary()).contains("runsc version", "platform ptrace", "cgroup");
        assertThat(backend().name()).isEqualTo("gvisor");
        assertThat(backend().runtimeApiTransport()).isEqualTo(RuntimeApiTransport.UNIX_SOCKET);
    }

    @Test
    void viewShowsLambdaPathsAndRefusesTcp() {
        SandboxView view = backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/scratch/s1"),
                new RuntimeApiAddress.UnixSocket(Path.of("/srv/scratch/s1/api.sock")));

        assertThat(view).isEqualTo(new SandboxView("/var/task", "/var/runtime", "/tmp", "127.0.0.1:9001"));
        assertThatThrownBy(() -> backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/s"),
                        new RuntimeApiAddress.Tcp("127.0.0.1", 9001)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unix socket");
    }

    @Test
    void runsAsAnUnprivilegedUserWithoutCapabilities() throws Exception {
        Launched run = launchShell("id -u; id -g; grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status");

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo("65534\n65534\nCapPrm:\t0000000000000000\n"
                + "CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n");
    }

    @Test
    void endedSandboxLeavesNoCgroupAndNoRunscState() throws Exception {
        Launched run = launchShell("echo done");
        GvisorSandbox sandbox = (GvisorSandbox) run.sandbox();

        assertThat(run.awaitExit().status()).isZero();
        assertThat(sandbox.cgroup().directories()).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(stateDir.resolve("runsc")).isEmptyDirectory();
    }

    @Test
    void killedSandboxLeavesNoCgroupAndNoRunscState() throws Exception {
        Launched run = launchShell("echo running; sleep 600");
        run.awaitOutput("running");
        GvisorSandbox sandbox = (GvisorSandbox) run.sandbox();
        assertThat(sandbox.cgroup().members()).isNotEmpty();

        sandbox.kill();

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(sandbox.cgroup().directories()).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(stateDir.resolve("runsc")).isEmptyDirectory();
    }

    @Test
    void probeWithoutToolsNamesTheDebianPackages() throws Exception {
        GvisorSandboxBackend bare = new GvisorSandboxBackend(GvisorSandboxSettings.defaults(stateDir.resolve("bare")),
                new GvisorHostTools(Optional.empty(), Optional.empty()), Optional.empty());

        HostSupport support = bare.probe();

        assertThat(support.usable()).isFalse();
        assertThat(support.missing()).contains("runsc: apt-get install runsc",
                "socat (Runtime API forwarder inside the sandbox): apt-get install socat");
        assertThat(support.missing()).anyMatch(item -> item.startsWith("cgroups:"));
        Prepared prepared = prepare();
        assertThatThrownBy(() -> bare.launch(new SandboxSpec(prepared.sandboxId(), List.of("/bin/true"), Map.of(),
                        prepared.taskRoot(), prepared.runtimeRoot(), prepared.scratchDir(), prepared.runtimeApi().address(),
                        ResourceLimits.forMemory(128, 512), false)))
                .isInstanceOf(SandboxLaunchException.class)
                .hasMessageContaining("runsc: apt-get install runsc");
    }

    @Test
    void aNewBackendRemovesContainersAnEarlierOneLeftRunning() throws Exception {
        Launched orphan = launchShell("echo orphan; sleep 600");
        orphan.awaitOutput("orphan");
        GvisorSandbox orphanSandbox = (GvisorSandbox) orphan.sandbox();

        // a second backend on the same state directory, as after a crash of the first Hearth
        try (GvisorSandboxBackend successor = new GvisorSandboxBackend(GvisorSandboxSettings.defaults(stateDir))) {
            Prepared prepared = prepare();
            SandboxExit exit = successor.launch(new SandboxSpec(prepared.sandboxId(), List.of("/bin/true"), ENVIRONMENT,
                            prepared.taskRoot(), prepared.runtimeRoot(), prepared.scratchDir(),
                            prepared.runtimeApi().address(), ResourceLimits.forMemory(128, 512), false))
                    .exit().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(exit).isEqualTo(new SandboxExit(0, false, false));
        }

        assertThat(orphan.awaitExit().killed()).isFalse();
        assertThat(orphan.awaitAllOutput()).isEqualTo("orphan\n");
        assertThat(orphanSandbox.cgroup().directories()).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(stateDir.resolve("runsc")).isEmptyDirectory();
    }
}
