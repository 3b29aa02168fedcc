package dev.hearth.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.sandbox.spi.PeerNetwork;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackendContract.Launched;
import dev.hearth.sandbox.spi.SandboxEscapeContract;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The escape contract against namespace sandboxes, plus what only this backend promises: an
 * unprivileged user without capabilities, the seccomp filter, and a tap device to the outside whose
 * nftables rules the function cannot change, with slirp4netns's DNS forwarder open on port 53 only.
 */
final class TestNamespaceEscapes extends SandboxEscapeContract {

    @Override
    protected SandboxBackend createBackend(Path workDir) {
        return new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(workDir.resolve("state")));
    }

    @Override
    protected SandboxBackend createBackend(Path workDir, OutboundPolicy outbound) {
        return new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(workDir.resolve("state")).withOutbound(outbound));
    }

    @Test
    void networkAccessHasATapDeviceWhoseOutboundRulesTheFunctionCannotChange() throws Exception {
        Launched run = launchPython(true, """
                import socket, subprocess
                print(sorted(line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]))
                for argv in (['/usr/sbin/nft', 'flush', 'ruleset'], ['/usr/sbin/nft', 'delete', 'table', 'inet', 'hearth_outbound']):
                    done = subprocess.run(argv, capture_output=True, text=True)
                    print(argv[1], 'exit', done.returncode, done.stderr.strip().splitlines()[:1])
                try:
                    socket.create_connection(('10.0.2.2', 1), timeout=3).close()
                    print('gateway CONNECTED')
                except OSError as e:
                    print('gateway failed', type(e).__name__)
                """, ResourceLimits.forMemory(256, 64));

        assertThat(awaitExit(run).status()).isZero();
        String out = awaitAllOutput(run);
        assertThat(out).startsWith("['lo', 'tap0']\n").contains("flush exit 1", "delete exit 1", "Operation not permitted",
                "gateway failed OSError").doesNotContain("CONNECTED");
    }

    @Test
    void dnsReachesTheForwarderAndTheHostsResolversOnPort53Only() throws Exception {
        Launched run = launchPython(true, """
                import socket
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.settimeout(5)
                query = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01'
                resolvers = [l.split()[1] for l in open('/etc/resolv.conf') if l.startswith('nameserver')]
                for server in ['10.0.2.3'] + resolvers[:1]:
                    try:
                        u.sendto(query, (server, 53))
                        print('dns sent', server)
                    except OSError as e:
                        print('dns failed', server, type(e).__name__)
                try:
                    socket.create_connection(('10.0.2.3', 80), timeout=3).close()
                    print('port 80 CONNECTED')
                except OSError as e:
                    print('port 80 failed', type(e).__name__)
                """, ResourceLimits.forMemory(256, 64));

        assertThat(awaitExit(run).status()).isZero();
        assertThat(awaitAllOutput(run)).contains("dns sent 10.0.2.3", "port 80 failed OSError")
                .doesNotContain("CONNECTED", "dns failed");
    }

    @Test
    void aStemCellBuiltBeforeAHostAddressAppearedIsNotUsed() throws Exception {
        List<String> unsupported = PeerNetwork.unsupportedBecause();
        assumeTrue(unsupported.isEmpty(), String.join("; ", unsupported));
        Launched first = launchPython(true, "print('first')", ResourceLimits.forMemory(128, 16));
        assertThat(awaitExit(first).status()).isZero();
        NamespaceSandboxBackend namespace = (NamespaceSandboxBackend) backend();
        StemCells.Key key = new StemCells.Key(workDir().resolve("runtime"), 16, true);
        await("stem cells with network access").atMost(patience()).until(() -> namespace.readyStemCells(key) >= 1);

        // the peer's veth gives the host a new address, one the ready cells' rules do not know
        try (PeerNetwork peer = PeerNetwork.start();
                ServerSocketChannel service = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            service.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = ((InetSocketAddress) service.getLocalAddress()).getPort();
            Launched run = launchPython(true, """
                    import socket, sys
                    for host, port in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
                        try:
                            socket.create_connection((host, int(port)), timeout=5).close()
                            print('connect', host, 'CONNECTED')
                        except OSError as e:
                            print('connect', host, 'failed', type(e).__name__)
                    """, ResourceLimits.forMemory(128, 16), peer.hostPublic(), Integer.toString(port), peer.peerPublic(),
                    Integer.toString(PeerNetwork.PORT));

            assertThat(awaitExit(run).status()).isZero();
            assertThat(awaitAllOutput(run)).contains("connect " + peer.hostPublic() + " failed OSError",
                    "connect " + peer.peerPublic() + " CONNECTED");
        }
    }

    @Test
    void runsUnprivilegedInItsOwnPidNamespace() throws Exception {
        long hearthPid = ProcessHandle.current().pid();

        Launched run = launchPython("""
                import os, signal, sys
                pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
                print('pids', pids)
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

        assertThat(awaitExit(run).status()).isZero();
        String out = awaitAllOutput(run);
        assertThat(parsePids(out)).hasSizeLessThanOrEqualTo(6).allMatch(pid -> pid < 100);
        assertThat(out).doesNotContain("SIGNALLED").contains("uid 65534 65534")
                .contains("CapEff:\\t0000000000000000", "CapBnd:\\t0000000000000000", "NoNewPrivs:\\t1", "Seccomp:\\t2");
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void blockedSystemCallsFailWithEperm() throws Exception {
        String hostMounts = hostMountsButTmpVolumes();

        Launched run = launchPython("""
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

        assertThat(awaitExit(run).status()).isZero();
        assertThat(awaitAllOutput(run)).isEqualTo("""
                mount Operation not permitted
                unshare-user Operation not permitted
                unshare-net Operation not permitted
                ptrace Operation not permitted
                bpf Operation not permitted
                keyctl Operation not permitted
                settimeofday Operation not permitted
                init_module Operation not permitted
                """);
        assertThat(hostMountsButTmpVolumes()).isEqualTo(hostMounts);
    }

    /**
     * The host's mount table without loop-mounted ext4 file systems: the {@code /tmp} volumes of this
     * and any other namespace backend on the host come and go in the background.
     */
    private static String hostMountsButTmpVolumes() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(line -> !line.contains(" - ext4 /dev/loop"))
                .collect(Collectors.joining("\n"));
    }

    private static List<Integer> parsePids(String output) {
        String line = output.lines().filter(l -> l.startsWith("pids ")).findFirst().orElseThrow();
        String list = line.substring("pids [".length(), line.length() - 1);
        return Arrays.stream(list.split(", ")).map(String::strip).map(Integer::parseInt).toList();
    }
}
