package dev.hearth.sandbox.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses of this host: every address (IPv4 and IPv6) of every network interface, up or
 * down, loopback included, as the kernel reports them now. Backends read them each time they set up
 * a sandbox's network, so an address added later is refused too ({@link OutboundPolicy}).
 * Stateless; thread-safe.
 */
public final class HostAddresses {

    private HostAddresses() {}

    /**
     * Reads them (about a millisecond).
     *
     * @throws UncheckedIOException when the kernel's interface list cannot be read
     */
    public static Set<InetAddress> read() {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    // drop an IPv6 scope (%eth0): the rules match the address itself
                    addresses.add(InetAddress.getByAddress(address.getAddress()));
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list the host's network interfaces", e);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an interface address of unexpected length", e);
        }
        return addresses;
    }

    /**
     * The numeric {@code nameserver} entries of {@code resolvConf} (normally {@code /etc/resolv.conf}),
     * in order; none when it cannot be read. For user-mode networks whose DNS forwarder sends from
     * inside the sandbox's network namespace, so that the policy lets port 53 through to them.
     */
    public static List<InetAddress> nameservers(Path resolvConf) {
        List<InetAddress> servers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(resolvConf)) {
                String[] words = line.strip().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver")) {
                    try {
                        servers.add(AddressRange.parse(words[1]).network());
                    } catch (IllegalArgumentException notNumeric) {
                        // a scoped IPv6 address (fe80::1%eth0) or garbage: not one the rules can name
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return servers;
    }
}
