package dev.hearth.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackendContract;
import dev.hearth.sandbox.spi.SandboxView;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxLaunchException;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

final class TestNamespaceSandboxBackend extends SandboxBackendContract {

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(workDir.resolve("state")));
    }

    @Test
    void probeIsUsableHere() {
        HostSupport support = backend().probe();

        assertThat(support.usable()).as("%s", support).isTrue();
        assertThat(support.summary()).contains("bubblewrap", "cgroup v");
        assertThat(backend().name()).isEqualTo("namespace");
        assertThat(backend().runtimeApiTransport()).isEqualTo(RuntimeApiTransport.UNIX_SOCKET);
    }

    @Test
    void limitsLandInTheSandboxCgroupWhichIsRemovedAfterExit() throws Exception {
        Launched run = launch(prepare(), view -> List.of("/bin/sh", "-c", "sleep 600 & echo started; wait"),
                ENVIRONMENT, new ResourceLimits(256, 0.25, 50, 32));
        run.awaitOutput("started");
        NamespaceSandbox sandbox = (NamespaceSandbox) run.sandbox();
        SandboxCgroup.V1 cgroup = (SandboxCgroup.V1) sandbox.cgroup();

        assertThat(cgroup.memory().resolve("memory.limit_in_bytes")).content().isEqualToIgnoringNewLines("268435456");
        assertThat(cgroup.cpu().resolve("cpu.cfs_quota_us")).content().isEqualToIgnoringNewLines("25000");
        assertThat(cgroup.pids().resolve("pids.max")).content().isEqualToIgnoringNewLines("50");
        // bwrap (outside and init), the forwarder, the shell and sleep: all members from the start
        assertThat(cgroup.members()).contains(sandbox.pid()).hasSizeGreaterThanOrEqualTo(4);

        sandbox.kill();

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(128 + 9, false, true));
        assertThat(sandbox.released()).succeedsWithin(WAIT);
        assertThat(cgroup.memory()).doesNotExist();
        assertThat(cgroup.cpu()).doesNotExist();
        assertThat(cgroup.pids()).doesNotExist();
    }

    @Test
    void eachSandboxRunsUnderAHostUidOfItsOwn() throws Exception {
        Launched first = launchShell("id -u; exec sleep 600111");
        Launched second = launchShell("id -u; exec sleep 600222");
        first.awaitOutput("65534");
        second.awaitOutput("65534");

        await("both sandboxes' sleep on the host").atMost(WAIT)
                .until(() -> hostUidOf("600111").isPresent() && hostUidOf("600222").isPresent());
        int firstHost = hostUidOf("600111").orElseThrow();
        int secondHost = hostUidOf("600222").orElseThrow();
        assertThat(firstHost).isNotEqualTo(secondHost);
        assertThat(List.of(firstHost, secondHost)).allSatisfy(uid -> assertThat(uid)
                .isBetween(SandboxUids.FIRST, SandboxUids.FIRST + SandboxUids.COUNT - 1));
        first.sandbox().kill();
        second.sandbox().kill();
        first.awaitExit();
        second.awaitExit();
    }

    /** The real host uid of the process whose command line is {@code sleep MARK}, if one runs. */
    private static Optional<Integer> hostUidOf(String mark) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(process.resolve("cmdline")).equals("sleep\0" + mark + "\0")) {
                        return Files.readAllLines(process.resolve("status")).stream().filter(l -> l.startsWith("Uid:"))
                                .map(l -> Integer.parseInt(l.split("\\s+")[1])).findFirst();
                    }
                } catch (IOException ended) {
                    // the process ended while being read
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void runsAsTheUnprivilegedUserWithAMinimalEtc() throws Exception {
        Launched run = launchShell("id; cat /etc/passwd; ls /etc | tr '\\n' ' '; echo; hostname; ls /dev | tr '\\n' ' '");

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).startsWith("uid=65534(sbx_user1051) gid=65534(sbx_user1051) groups=65534(sbx_user1051)\n")
                .contains("sbx_user1051:x:65534:65534:")
                .doesNotContain("shadow", "sudoers", "ssh")
                .contains("\nsandbox\n")
                .contains("null", "urandom", "shm");
    }

    @Test
    void unreachableTaskRootFailsTheLaunchNamingTheDirectory() throws Exception {
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
    void theNoArgumentBackendDeletesItsOwnStateDirectoryOnClose() {
        Path stateDir;
        try (NamespaceSandboxBackend standalone = new NamespaceSandboxBackend()) {
            assertThat(standalone.probe().usable()).isTrue();
            stateDir = standalone.stateDir();
            assertThat(stateDir.resolve("seccomp.bpf")).isNotEmptyFile();
        }
        assertThat(stateDir).doesNotExist();
    }

    @Test
    void withNetworkAccessTheRuntimeApiExitStatusAndKillBehaveTheSame() throws Exception {
        Prepared first = prepare();
        first.runtimeApi().serveOnePing();
        Sandbox pinging = launchWithNetwork(first, List.of("/usr/bin/python3", "-c", """
                import socket
                with socket.create_connection(('127.0.0.1', 9001), timeout=20) as s:
                    s.sendall(b'ping over tap0 setup\\n')
                    print(s.makefile().readline().strip())
                raise SystemExit(3)
                """));
        OutputCollector pingOutput = OutputCollector.start(pinging);
        assertThat(pinging.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(3, false, false));
        await().atMost(WAIT).until(pingOutput::ended);
        assertThat(pingOutput.text()).isEqualTo("pong: ping over tap0 setup\n");

        Sandbox sleeping = launchWithNetwork(prepare(), List.of("/bin/sh", "-c", "sleep 600 & echo up; wait"));
        OutputCollector sleepOutput = OutputCollector.start(sleeping);
        await().atMost(WAIT).until(() -> sleepOutput.text().contains("up"));
        sleeping.kill();
        assertThat(sleeping.exit()).succeedsWithin(WAIT).isEqualTo(new SandboxExit(128 + 9, false, true));
        await().atMost(WAIT).until(sleepOutput::ended);
        assertThat(((NamespaceSandbox) sleeping).released()).succeedsWithin(WAIT);
        assertThat(((NamespaceSandbox) sleeping).cgroup().members()).isEmpty();
    }

    private Sandbox launchWithNetwork(Prepared prepared, List<String> command) throws SandboxLaunchException {
        return backend().launch(new SandboxSpec(prepared.sandboxId(), command, ENVIRONMENT, prepared.taskRoot(),
                prepared.runtimeRoot(), prepared.scratchDir(), prepared.runtimeApi().address(),
                ResourceLimits.forMemory(256, 64), true));
    }

    @Test
    void viewShowsLambdaPathsAndTheForwardedPort() {
        SandboxView view = backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/scratch/s1"),
                new RuntimeApiAddress.UnixSocket(Path.of("/srv/scratch/s1/api.sock")));

        assertThat(view).isEqualTo(new SandboxView("/var/task", "/var/runtime", "/tmp", "127.0.0.1:9001"));
        assertThatThrownBy(() -> backend().view(Path.of("/srv/task"), Path.of("/srv/runtime"), Path.of("/srv/s"),
                        new RuntimeApiAddress.Tcp("127.0.0.1", 9001)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unix socket");
    }
}
