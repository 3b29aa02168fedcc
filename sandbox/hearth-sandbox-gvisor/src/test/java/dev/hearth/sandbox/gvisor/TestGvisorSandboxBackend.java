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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SPI contract and escape checks against real runsc sandboxes (needs root, runsc, socat). */
final class TestGvisorSandboxBackend extends SandboxBackendContract {

    private Path stateDir;

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        stateDir = workDir;
        return new GvisorSandboxBackend(GvisorSandboxSettings.defaults(workDir));
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
    void hostFilesOutsideTheViewAreNotThere() throws Exception {
        Files.writeString(stateDir.resolve("hearth-secret.txt"), "secret");
        Launched run = launchPython("""
                import sys
                for path in sys.argv[1:]:
                    try:
                        open(path).read()
                        print('read', path)
                    except OSError as e:
                        print('denied', path, type(e).__name__)
                """, view -> "/etc/shadow", view -> stateDir.resolve("hearth-secret.txt").toString(),
                view -> "/root/.bashrc");

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo("denied /etc/shadow FileNotFoundError\n"
                + "denied " + stateDir.resolve("hearth-secret.txt") + " FileNotFoundError\n"
                + "denied /root/.bashrc FileNotFoundError\n");
    }

    @Test
    void writesToTheRootAndTheTaskRootFail() throws Exception {
        Launched run = launchPython("""
                for path in ['/escape.txt', '/usr/escape.txt', '/etc/passwd', '/var/task/escape.txt']:
                    try:
                        with open(path, 'a') as f:
                            f.write('escaped')
                        print('wrote', path)
                    except OSError as e:
                        print('denied', path)
                """);

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo("denied /escape.txt\ndenied /usr/escape.txt\ndenied /etc/passwd\n"
                + "denied /var/task/escape.txt\n");
        assertThat(Path.of("/escape.txt")).doesNotExist();
        assertThat(Path.of("/usr/escape.txt")).doesNotExist();
        assertThat(run.prepared().taskRoot().resolve("escape.txt")).doesNotExist();
    }

    @Test
    void hostLoopbackServicesAreUnreachable() throws Exception {
        try (ServerSocket hostService = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Launched run = launchPython("""
                    import socket, sys
                    try:
                        socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5).close()
                        print('connected')
                    except OSError as e:
                        print('unreachable', type(e).__name__)
                    """, view -> Integer.toString(hostService.getLocalPort()));

            assertThat(run.awaitExit().status()).isZero();
            assertThat(run.awaitAllOutput()).isEqualTo("unreachable ConnectionRefusedError\n");
            hostService.setSoTimeout(1);
            assertThatThrownBy(hostService::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void hostProcessesAreInvisible() throws Exception {
        Launched run = launchPython("""
                import os
                pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
                names = sorted(set(open('/proc/%d/comm' % p).read().strip() for p in pids))
                print(len(pids) <= 4, names)
                """);

        assertThat(run.awaitExit().status()).isZero();
        // the init script's socat forwarder and python itself: no java, no runsc, no host init
        assertThat(run.awaitAllOutput()).isEqualTo("True ['python3', 'socat']\n");
    }

    @Test
    void tmpIsLimitedToTheEphemeralStorageSize() throws Exception {
        Launched run = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", """
                import errno
                written = 0
                try:
                    with open('/tmp/fill', 'wb') as f:
                        for i in range(64):
                            f.write(b'x' * (1024 * 1024))
                            f.flush()
                            written += 1
                    print('wrote 64 MB')
                except OSError as e:
                    print('full after', written <= 16, errno.errorcode[e.errno])
                """), ENVIRONMENT, ResourceLimits.forMemory(512, 16));

        assertThat(run.awaitExit().status()).isZero();
        assertThat(run.awaitAllOutput()).isEqualTo("full after True ENOSPC\n");
    }

    @Test
    void exceedingTheMemoryLimitKillsTheSandboxAndReportsOutOfMemory() throws Exception {
        Launched run = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", """
                import time
                blocks = []
                for i in range(60):
                    blocks.append(bytearray(10 * 1024 * 1024))
                print('holding 600 MB', flush=True)
                time.sleep(600)
                """), ENVIRONMENT, ResourceLimits.forMemory(128, 512));

        assertThat(run.awaitExit()).isEqualTo(new SandboxExit(128 + 9, true, false));
        assertThat(run.awaitAllOutput()).doesNotContain("holding");
        assertThat(run.sandbox().usage().maxMemoryBytes()).isGreaterThan(128L * 1024 * 1024);
    }

    @Test
    void forkBombStopsAtTheProcessLimit() throws Exception {
        Launched run = launch(prepare(), view -> List.of("/usr/bin/python3", "-c", """
                import os, time
                children = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(600)
                            os._exit(0)
                        children += 1
                except OSError as e:
                    print('fork refused after', children, e.strerror, flush=True)
                """), ENVIRONMENT, new ResourceLimits(512, 1.0, 32, 512));

        assertThat(run.awaitExit().status()).isZero();
        // 32 tasks for the sandbox user: the python parent, the socat forwarder and 30 children
        assertThat(run.awaitAllOutput()).isEqualTo("fork refused after 30 Resource temporarily unavailable\n");
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
