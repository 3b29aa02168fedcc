package dev.hearth.sandbox.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackendContract;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The backend contract against the {@code process} backend. It does not run the escape contract
 * ({@code SandboxEscapeContract}): the backend isolates nothing by design, so function code reaches
 * the host's files, processes, loopback and every address of the host, and no outbound policy
 * applies.
 */
final class TestProcessSandboxBackend extends SandboxBackendContract {

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new ProcessSandboxBackend(new ProcessSandboxSettings(Duration.ofMillis(50), 65534, 65534));
    }

    /** The process backend promises no limit: {@code /tmp} is a host directory without a size. */
    @Override
    protected boolean tmpIsEphemeralStorage() {
        return false;
    }

    /** The process backend promises no isolation: it reads what the unprivileged user reads on the host. */
    @Override
    protected boolean sandboxSeesOnlyItsOwnCode() {
        return false;
    }

    @Test
    void probeIsUsableWithUtilLinux() {
        HostSupport support = backend().probe();

        assertThat(support.usable()).as("%s", support).isTrue();
        assertThat(support.summary()).contains("NO isolation");
        assertThat(backend().name()).isEqualTo("process");
        assertThat(backend().runtimeApiTransport()).isEqualTo(RuntimeApiTransport.TCP_LOOPBACK);
    }

    @Test
    void viewShowsHostPathsAndTheTcpListener() {
        SandboxView view = backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/scratch/s1"),
                new RuntimeApiAddress.Tcp("127.0.0.1", 9001));

        assertThat(view).isEqualTo(new SandboxView("/srv/task", "/srv/runtime", "/srv/scratch/s1/tmp", "127.0.0.1:9001",
                "/srv/scratch/s1/opt"));
        assertThat(backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/scratch/s1"),
                new RuntimeApiAddress.Tcp("127.0.0.1", 9001), Optional.of(Path.of("/srv/layers/abc"))).optRoot())
                .as("without a mount namespace the layers are seen at their host path")
                .isEqualTo("/srv/layers/abc");
        assertThatThrownBy(() -> backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/s"),
                        new RuntimeApiAddress.UnixSocket(Path.of("/srv/s/api.sock"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TCP loopback");
    }

    @Test
    void tmpdirNamesThePrivateTmp() throws Exception {
        Launched run = launchShell("echo \"$TMPDIR\"; ls -ld \"$TMPDIR\" | cut -c1-10");

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo(run.view().tmpDir() + "\ndrwx------\n");
    }

    @Test
    void runsAsAnUnprivilegedUserWhenHearthIsRoot() throws Exception {
        Launched run = launchShell("id -u; id -g; grep CapEff /proc/self/status");

        assertThat(run.awaitExit().status()).isZero();
        int hearthUid = SandboxIdentity.effectiveUid();
        String expectedUser = hearthUid == 0 ? "65534\n65534\n" : hearthUid + "\n";
        assertThat(run.awaitAllOutput()).startsWith(expectedUser).contains("CapEff:\t0000000000000000");
    }

    @Test
    void memoryWatchdogKillsAHogAndReportsOutOfMemory() throws Exception {
        Launched run = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", """
                import time
                blocks = []
                for i in range(40):
                    blocks.append('x' * (10 * 1024 * 1024))
                print('holding', flush=True)
                time.sleep(600)
                """), ENVIRONMENT, ResourceLimits.forMemory(128, 512));

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(128 + 9, true, false));
        assertThat(run.sandbox().usage().maxMemoryBytes()).isGreaterThan(128L * 1024 * 1024);
    }

    @Test
    void usageSeesTheFirstProcessPeakWithoutWaitingForASample() throws Exception {
        Prepared prepared = prepare();
        SandboxSpec spec = new SandboxSpec(prepared.sandboxId(), List.of("/usr/bin/python3", "-c", """
                import time
                block = 'x' * (60 * 1024 * 1024)
                del block
                print('allocated and freed', flush=True)
                time.sleep(600)
                """), ENVIRONMENT, prepared.taskRoot(), prepared.runtimeRoot(), prepared.scratchDir(),
                prepared.runtimeApi().address(), ResourceLimits.forMemory(512, 512), false);
        try (ProcessSandboxBackend neverSampling =
                new ProcessSandboxBackend(new ProcessSandboxSettings(Duration.ofHours(1), 65534, 65534))) {
            Sandbox sandbox = neverSampling.launch(spec);
            OutputCollector output = OutputCollector.start(sandbox);
            await().atMost(WAIT).until(() -> output.text().contains("allocated and freed"));

            assertThat(sandbox.usage().maxMemoryBytes()).isGreaterThanOrEqualTo(60L * 1024 * 1024);
        }
    }

    @Test
    void killLeavesNoProcessOfTheTreeAlive() throws Exception {
        Launched run = launchShell("/bin/sh -c 'echo grandchild $$; exec sleep 600' & wait");
        run.awaitOutput("grandchild ");
        long grandchild = Long.parseLong(run.output().text().strip().split(" ")[1]);
        long leader = ((ProcessSandbox) run.sandbox()).pid();
        assertThat(ProcTable.read().liveMembers(leader)).extracting(ProcTable.Entry::pid).contains(leader, grandchild);

        run.sandbox().kill();

        assertThat(run.awaitExit().killed()).isTrue();
        ProcTable after = ProcTable.read();
        assertThat(after.liveMembers(leader)).isEmpty();
        assertThat(after.liveMembers(grandchild)).as("the grandchild, if it still exists, is a zombie").isEmpty();
    }

    @Test
    void aDescendantThatStartsItsOwnSessionIsStillKilled() throws Exception {
        Launched run = launchShell("setsid /bin/sh -c 'echo escaped $$; exec sleep 600' & wait");
        run.awaitOutput("escaped ");
        long escaped = Long.parseLong(run.output().text().strip().split(" ")[1]);

        run.sandbox().kill();

        assertThat(run.awaitExit().killed()).isTrue();
        assertThat(run.awaitAllOutput()).startsWith("escaped");
        assertThat(ProcTable.read().liveMembers(escaped)).isEmpty();
    }

    @Test
    void unreachableTaskRootFailsTheLaunchNamingTheDirectory() throws Exception {
        assumeThat(SandboxIdentity.effectiveUid()).as("only root drops to an unprivileged user").isZero();
        Prepared prepared = prepare();
        Path hidden = Files.createDirectories(prepared.scratchDir().getParent().resolve("hidden"));
        Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));
        Path task = Files.createDirectories(hidden.resolve("task"));
        Prepared unreachable = new Prepared(prepared.sandboxId(), task, prepared.runtimeRoot(), prepared.scratchDir(),
                prepared.runtimeApi(), prepared.view());

        assertThatThrownBy(() -> launch(unreachable, view -> List.of("/bin/true")))
                .isInstanceOf(SandboxLaunchException.class)
                .hasMessageContaining(hidden.toString())
                .hasMessageContaining("chmod o+x");
    }

    @Test
    void parsesStatLinesWithAwkwardCommandNames() {
        ProcTable.Entry entry = ProcTable.parse(
                "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 12345 1000000 250 "
                        + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0");

        assertThat(entry).isEqualTo(new ProcTable.Entry(4242, 1, 4242, 'S', 3, 250 * 4096L));
    }
}
