package dev.hearth.sandbox.spi;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a sandbox with network access may connect: the internet yes; the private, shared,
 * link-local and unique-local ranges ({@link #PRIVATE_RANGES}, which include the cloud metadata
 * address 169.254.169.254 and user-mode networks' gateway and DNS aliases such as 10.0.2.2) only
 * where {@link #allowed()} says so; the host's own addresses never, even inside an allowed range.
 * Every isolating backend enforces it inside the sandbox's network (see {@link #nftRuleset}); the
 * {@code process} backend, which isolates nothing, does not. Immutable.
 *
 * @param allowed private ranges the operator opens to functions ({@code --sandbox-allow-network})
 */
public record OutboundPolicy(List<AddressRange> allowed) {

    /** Refused unless {@link #allowed()}: RFC 1918, RFC 6598 shared, link-local, unique-local. */
    public static final List<AddressRange> PRIVATE_RANGES = List.of(
            AddressRange.parse("10.0.0.0/8"), AddressRange.parse("172.16.0.0/12"), AddressRange.parse("192.168.0.0/16"),
            AddressRange.parse("100.64.0.0/10"), AddressRange.parse("169.254.0.0/16"), AddressRange.parse("fc00::/7"),
            AddressRange.parse("fe80::/10"));

    /** No private range allowed: the default. */
    public static final OutboundPolicy DEFAULT = new OutboundPolicy(List.of());

    /** The nftables table every isolating backend installs in a sandbox's network namespace. */
    public static final String NFT_TABLE = "hearth_outbound";

    /** Refuses at once: TCP's connect fails with EHOSTUNREACH, UDP's send with EPERM (no timeouts). */
    private static final String REFUSE = "reject with icmpx type admin-prohibited";

    public OutboundPolicy {
        allowed = List.copyOf(allowed);
    }

    /**
     * Parses a comma-separated list of ranges ({@code 10.1.0.0/16,fd00::/8}); blank means none.
     *
     * @throws IllegalArgumentException naming the first entry that is not a range
     */
    public static OutboundPolicy parse(String commaSeparated) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String entry : commaSeparated.split(",")) {
            if (!entry.isBlank()) {
                ranges.add(AddressRange.parse(entry));
            }
        }
        return new OutboundPolicy(ranges);
    }

    /**
     * The nftables ruleset (for {@code nft -f}) that enforces this policy on the traffic a sandbox's
     * network namespace sends: one {@code inet} table {@value #NFT_TABLE} with an output chain that
     * passes loopback, refuses {@code hostAddresses} and {@code hostAliases}, passes DNS (udp and
     * tcp port 53) to exactly {@code dnsServers}, passes {@link #allowed()}, refuses
     * {@link #PRIVATE_RANGES} and passes the rest. Refused means rejected at once: a TCP
     * {@code connect} fails with {@code EHOSTUNREACH} ("No route to host"), a UDP {@code send} with
     * {@code EPERM}, never a timeout.
     *
     * @param hostAddresses every address of every host interface (read at launch:
     *     {@link HostAddresses#read()})
     * @param hostAliases addresses by which the sandbox's network reaches the host itself (a
     *     user-mode network's gateway, e.g. 10.0.2.2), refused like the host's own
     * @param dnsServers name servers reachable on port 53 only, even in a refused private range
     *     (a user-mode network's DNS forwarder, e.g. 10.0.2.3); never a host address, which stays
     *     refused
     */
    public String nftRuleset(Collection<InetAddress> hostAddresses, Collection<InetAddress> hostAliases,
            Collection<InetAddress> dnsServers) {
        Set<AddressRange> host = new LinkedHashSet<>();
        hostAddresses.forEach(address -> host.add(AddressRange.of(address)));
        hostAliases.forEach(address -> host.add(AddressRange.of(address)));
        StringBuilder rules = new StringBuilder();
        rules.append("table inet ").append(NFT_TABLE).append(" {\n");
        rules.append("  chain output {\n");
        rules.append("    type filter hook output priority 0; policy accept;\n");
        rules.append("    oifname \"lo\" accept\n");
        verdicts(rules, host, REFUSE);
        dnsServers.stream().distinct().forEach(dns -> rules.append("    ").append(family(dns)).append(" daddr ")
                .append(dns.getHostAddress()).append(" meta l4proto { tcp, udp } th dport 53 accept\n"));
        verdicts(rules, allowed, "accept");
        verdicts(rules, PRIVATE_RANGES, REFUSE);
        rules.append("  }\n}\n");
        return rules.toString();
    }

    private static void verdicts(StringBuilder rules, Collection<AddressRange> ranges, String verdict) {
        for (boolean ipv4 : new boolean[] {true, false}) {
            Predicate<AddressRange> family = range -> range.ipv4() == ipv4;
            List<AddressRange> members = ranges.stream().filter(family).distinct().toList();
            // nft refuses overlapping elements in one set: keep only ranges no other one covers
            List<String> elements = members.stream().filter(range -> members.stream().noneMatch(other -> !other.equals(range)
                    && other.prefixLength() <= range.prefixLength() && other.contains(range.network())))
                    .map(AddressRange::toString).toList();
            if (!elements.isEmpty()) {
                rules.append("    ").append(ipv4 ? "ip" : "ip6").append(" daddr { ").append(String.join(", ", elements))
                        .append(" } ").append(verdict).append('\n');
            }
        }
    }

    private static String family(InetAddress address) {
        return address.getAddress().length == 4 ? "ip" : "ip6";
    }
}
