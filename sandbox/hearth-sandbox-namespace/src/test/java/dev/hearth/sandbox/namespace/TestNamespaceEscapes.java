package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackendContract.OutputCollector;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandboxed python code tries to get out, and must fail; each case checks what the code printed
 * and the host's state afterwards.
 */
final class TestNamespaceEscapes {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    private Path tempDir;

    private Path workDir;
    private Path taskRoot;
    private Path runtimeRoot;
    private NamespaceSandboxBackend backend;

    private record Run(SandboxExit exit, String output) {}

    @BeforeEach
    void openBackend() throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        workDir = tempDir.toRealPath();
        taskRoot = Files.createDirectories(workDir.resolve("task"));
        Files.writeString(taskRoot.resolve("handler.py"), "print('handler')\n");
        runtimeRoot = Files.createDirectories(workDir.resolve("runtime"));
        backend = new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(workDir.resolve("state")));
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @Test
    void cannotReadShadowOrUnexposedHostFiles() throws Exception {
        Path secret = Files.writeString(Files.createDirectories(workDir.resolve("not-exposed")).resolve("secret.txt"),
                "host secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

        Run run = python("""
                import sys
                for path in ['/etc/shadow', sys.argv[1], '/root/.bashrc', '/home', '/var/lib/dpkg/status']:
                    try:
                        with open(path) as f:
                            print('READ', path, f.read(20))
                    except OSError as e:
                        print('denied', path, type(e).__name__)
                """, ResourceLimits.forMemory(256, 64), secret.toString());

        assertThat(run.exit().status()).isZero();
        assertThat(run.output()).doesNotContain("READ", "host secret")
                .contains("denied /etc/shadow FileNotFoundError", "denied " + secret + " FileNotFoundError");
        assertThat(secret).hasContent("host secret");
    }

    @Test
    void cannotWriteToRootUsrEtcOrTheTaskRoot() throws Exception {
        Run run = python("""
                for path in ['/escape.txt', '/usr/escape.txt', '/usr/bin/python3', '/etc/passwd', '/var/task/escape.txt',
                             '/var/task/handler.py', '/var/runtime/escape.txt']:
                    try:
                        with open(path, 'a') as f:
                            f.write('escaped')
                        print('WROTE', path)
                    except OSError as e:
                        print('denied', path, e.strerror)
                with open('/tmp/fine.txt', 'w') as f:
                    f.write('tmp is writable')
                print('tmp ok')
                """, ResourceLimits.forMemory(256, 64));

        assertThat(run.exit().status()).isZero();
        assertThat(run.output()).doesNotContain("WROTE").contains("tmp ok")
                .contains("denied /escape.txt Read-only file system", "denied /usr/escape.txt Read-only file system",
                        "denied /var/task/escape.txt Read-only file system", "denied /var/task/handler.py Permission denied");
        assertThat(Path.of("/escape.txt")).doesNotExist();
        assertThat(Path.of("/usr/escape.txt")).doesNotExist();
        assertThat(taskRoot.resolve("escape.txt")).doesNotExist();
        assertThat(taskRoot.resolve("handler.py")).hasContent("print('handler')");
    }

    @Test
    void cannotReachTheHostsLoopbackServices() throws Exception {
        try (ServerSocketChannel hostService = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            hostService.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) hostService.getLocalAddress()).getPort();
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (hostService.isOpen()) {
                    try (SocketChannel ignored = hostService.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return; // closed at the end of the test
                    }
                }
            });

            Run run = python("""
                    import socket, sys
                    for host in ['127.0.0.1', '10.0.2.2', '169.254.169.254']:
                        try:
                            socket.create_connection((host, int(sys.argv[1])), timeout=2).close()
                            print('CONNECTED', host)
                        except OSError as e:
                            print('refused', host, type(e).__name__)
                    print(sorted(line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]))
                    """, ResourceLimits.forMemory(256, 64), Integer.toString(port));

            assertThat(run.exit().status()).isZero();
            assertThat(run.output()).doesNotContain("CONNECTED")
                    .contains("refused 127.0.0.1 ConnectionRefusedError").contains("['lo']");
            assertThat(accepted).hasValue(0);
        }
    }

    @Test
    void networkAccessReachesOutwardButNeverTheHostsLoopback() throws Exception {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .filter(nic -> !nic.getName().equals("lo"))
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
        assumeTrue(external.isPresent(), "needs a non-loopback IPv4 address on this host");
        try (ServerSocketChannel loopbackService = ServerSocketChannel.open(StandardProtocolFamily.INET);
                ServerSocketChannel outsideService = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            loopbackService.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            outsideService.bind(new InetSocketAddress(external.get(), 0));
            int loopbackPort = ((InetSocketAddress) loopbackService.getLocalAddress()).getPort();
            int outsidePort = ((InetSocketAddress) outsideService.getLocalAddress()).getPort();

            Run run = python(true, """
                    import socket, sys
                    print(sorted(line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]))
                    targets = [('127.0.0.1', sys.argv[1]), ('10.0.2.2', sys.argv[1]), (sys.argv[2], sys.argv[3])]
                    for host, port in targets:
                        try:
                            socket.create_connection((host, int(port)), timeout=3).close()
                            print('connected', host)
                        except OSError as e:
                            print('failed', host, type(e).__name__)
                    """, ResourceLimits.forMemory(256, 64), Integer.toString(loopbackPort),
                    external.get().getHostAddress(), Integer.toString(outsidePort));

            assertThat(run.exit().status()).isZero();
            assertThat(run.output()).startsWith("['lo', 'tap0']\n")
                    .contains("failed 127.0.0.1", "failed 10.0.2.2", "connected " + external.get().getHostAddress());
        }
    }

    @Test
    void seesOnlyItsOwnProcessesAndCannotSignalTheHost() throws Exception {
        long hearthPid = ProcessHandle.current().pid();

        Run run = python("""
                import os, signal, sys
                pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
                print('pids', pids)
                print('own pid', os.getpid())
                try:
                    os.kill(int(sys.argv[1]), signal.SIGKILL)
                    print('SIGNALLED hearth')
                except OSError as e:
                    print('cannot signal hearth', type(e).__name__)
                try:
                    os.kill(1, signal.SIGKILL)
                    print('signalled init')
                except OSError as e:
                    print('cannot signal init', type(e).__name__)
                print('uid', os.getuid(), os.getgid())
                print([l for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapBnd', 'NoNewPrivs', 'Seccomp:'))])
                """, ResourceLimits.forMemory(256, 64), Long.toString(hearthPid));

        assertThat(run.exit().status()).isZero();
        String out = run.output();
        List<Integer> pids = parsePids(out);
        assertThat(pids).hasSizeLessThanOrEqualTo(6).allMatch(pid -> pid < 100);
        assertThat(out).doesNotContain("SIGNALLED").contains("uid 65534 65534")
                .contains("CapEff:\\t0000000000000000", "CapBnd:\\t0000000000000000", "NoNewPrivs:\\t1", "Seccomp:\\t2");
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void exceedingMemoryKillsOnlyTheSandbox() throws Exception {
        Run run = python("""
                blocks = []
                for i in range(60):
                    blocks.append(bytearray(10 * 1024 * 1024))
                    if i % 5 == 0:
                        print('holding', (i + 1) * 10, 'MB', flush=True)
                print('NOT KILLED')
                """, ResourceLimits.forMemory(128, 64));

        assertThat(run.exit()).isEqualTo(new SandboxExit(128 + 9, true, false));
        assertThat(run.output()).contains("holding 10 MB").doesNotContain("NOT KILLED");
        // the host and later sandboxes are unaffected
        assertThat(python("print('still fine')", ResourceLimits.forMemory(128, 64)))
                .isEqualTo(new Run(new SandboxExit(0, false, false), "still fine\n"));
    }

    @Test
    void aForkBombIsContainedByPidsMax() throws Exception {
        Run run = python("""
                import os, time
                children = 0
                try:
                    for _ in range(1000):
                        if os.fork() == 0:
                            time.sleep(600)
                            os._exit(0)
                        children += 1
                    print('FORKED ALL', children)
                except OSError as e:
                    print('contained after', children, type(e).__name__, flush=True)
                """, new ResourceLimits(256, 0.2, 64, 64));

        assertThat(run.exit().status()).isZero();
        assertThat(run.output()).doesNotContain("FORKED ALL").startsWith("contained after").contains("BlockingIOError");
        int children = Integer.parseInt(run.output().split(" ")[2]);
        assertThat(children).isBetween(1, 64);
        Process hostFork = new ProcessBuilder("/bin/true").start();
        assertThat(hostFork.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(hostFork.exitValue()).isZero();
    }

    @Test
    void fillingTmpStopsAtItsSize() throws Exception {
        Run run = python("""
                import errno
                written = 0
                try:
                    with open('/tmp/filler', 'wb') as f:
                        for _ in range(64):
                            f.write(b'x' * (1024 * 1024))
                            f.flush()
                            written += 1
                    print('WROTE ALL')
                except OSError as e:
                    print('stopped after', written, 'MB', errno.errorcode[e.errno])
                """, ResourceLimits.forMemory(256, 16));

        assertThat(run.exit().status()).isZero();
        assertThat(run.output()).doesNotContain("WROTE ALL").contains("ENOSPC").startsWith("stopped after 1");
        assertThat(Path.of("/tmp/filler")).doesNotExist();
        try (var files = Files.walk(workDir)) {
            assertThat(files.filter(path -> path.getFileName().toString().equals("filler"))).isEmpty();
        }
    }

    @Test
    void blockedSystemCallsFailWithEperm() throws Exception {
        String hostMounts = Files.readString(Path.of("/proc/self/mountinfo"));

        Run run = python("""
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                def report(name, result):
                    print(name, 'OK' if result == 0 else os.strerror(ctypes.get_errno()))
                report('mount', libc.mount(b'none', b'/tmp', b'tmpfs', 0, None))
                report('unshare-user', libc.unshare(0x10000000))
                report('unshare-net', libc.unshare(0x40000000))
                report('ptrace', libc.ptrace(0, 0, None, None))
                report('bpf', libc.syscall(321, 0, None, 0))
                report('keyctl', libc.syscall(250, 0, 0, 0, 0, 0))
                report('settimeofday', libc.syscall(164, None, None))
                report('init_module', libc.syscall(175, None, 0, b''))
                """, ResourceLimits.forMemory(256, 64));

        assertThat(run.exit().status()).isZero();
        assertThat(run.output()).isEqualTo("""
                mount Operation not permitted
                unshare-user Operation not permitted
                unshare-net Operation not permitted
                ptrace Operation not permitted
                bpf Operation not permitted
                keyctl Operation not permitted
                settimeofday Operation not permitted
                init_module Operation not permitted
                """);
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).isEqualTo(hostMounts);
    }

    private static List<Integer> parsePids(String output) {
        String line = output.lines().filter(l -> l.startsWith("pids ")).findFirst().orElseThrow();
        String list = line.substring("pids [".length(), line.length() - 1);
        return java.util.Arrays.stream(list.split(", ")).map(String::strip).map(Integer::parseInt).toList();
    }

    /** Runs {@code python3 -c code args...} in a fresh sandbox and waits (bounded) for its exit and whole output. */
    private Run python(String code, ResourceLimits limits, String... args) throws Exception {
        return python(false, code, limits, args);
    }

    private Run python(boolean networkAccess, String code, ResourceLimits limits, String... args) throws Exception {
        String id = "escape-" + IDS.incrementAndGet();
        Path scratch = Files.createDirectories(workDir.resolve("scratch").resolve(id));
        Path socket = workDir.resolve(id + ".sock");
        try (ServerSocketChannel api = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            api.bind(UnixDomainSocketAddress.of(socket));
            List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", code));
            command.addAll(List.of(args));
            Sandbox sandbox = backend.launch(new SandboxSpec(id, command, ENVIRONMENT, taskRoot, runtimeRoot, scratch,
                    new RuntimeApiAddress.UnixSocket(socket), limits, networkAccess));
            OutputCollector output = OutputCollector.start(sandbox);
            SandboxExit exit = sandbox.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(WAIT).until(output::ended);
            return new Run(exit, output.text());
        }
    }
}
