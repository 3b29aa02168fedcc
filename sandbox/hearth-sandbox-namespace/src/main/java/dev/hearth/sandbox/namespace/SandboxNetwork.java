package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.spi.HostAddresses;
import dev.hearth.sandbox.spi.OutboundPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a launch process needs to give a sandbox its outbound network ({@link LaunchProgram}):
 * slirp4netns, and the {@link OutboundPolicy}'s nftables rules, which it installs in the sandbox's
 * network namespace (through {@code nsenter}, as Hearth's user, which holds {@code CAP_NET_ADMIN}
 * over that namespace) <em>before</em> slirp4netns creates {@code tap0}: no packet ever leaves
 * the sandbox unfiltered. Function code cannot change them: it has no capabilities at all. Port 53
 * stays open to slirp4netns's DNS forwarder and to the host's name servers (the sandbox's
 * {@code /etc/resolv.conf} is the host's), whatever their range. Immutable.
 *
 * @param ruleset the rules for {@code nft -f}, with the host's addresses as they were when this was made
 * @param hostAddresses those addresses ({@link #current()} compares them with the host's now)
 */
record SandboxNetwork(Path slirp4netns, Path nsenter, Path nft, String ruleset, Set<InetAddress> hostAddresses) {

    SandboxNetwork {
        hostAddresses = Set.copyOf(hostAddresses);
    }

    /** slirp4netns's gateway: the host itself, seen from the sandbox. */
    static final InetAddress GATEWAY = literal(10, 0, 2, 2);
    /** slirp4netns's DNS forwarder (to the host's resolvers): reachable on port 53 only. */
    static final InetAddress DNS = literal(10, 0, 2, 3);
    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    /**
     * The network of a sandbox launched now: reads the host's addresses ({@link HostAddresses#read()},
     * about a millisecond), so that a stem cell built later sees an address added since.
     *
     * @param tools host tools with slirp4netns, nsenter and nft present
     */
    static SandboxNetwork now(HostTools tools, OutboundPolicy policy) {
        Set<InetAddress> host = HostAddresses.read();
        return new SandboxNetwork(tools.slirp4netns().orElseThrow(), tools.nsenter().orElseThrow(), tools.nft().orElseThrow(),
                policy.nftRuleset(host, List.of(GATEWAY), dnsServers()), host);
    }

    /**
     * Whether the host still has exactly the addresses these rules refuse (a few hundredths of a
     * millisecond); a stem cell built before an address was added is discarded, not used.
     */
    boolean current() {
        return hostAddresses.equals(HostAddresses.read());
    }

    /**
     * slirp4netns's forwarder and the host's {@code /etc/resolv.conf} name servers: the sandbox
     * sees the host's {@code resolv.conf}, so its resolver sends to those (through slirp4netns),
     * and they are often in a private range (a VPC's resolver, a home router).
     */
    private static List<InetAddress> dnsServers() {
        List<InetAddress> servers = new ArrayList<>(List.of(DNS));
        servers.addAll(HostAddresses.nameservers(RESOLV_CONF));
        return servers;
    }

    private static InetAddress literal(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
