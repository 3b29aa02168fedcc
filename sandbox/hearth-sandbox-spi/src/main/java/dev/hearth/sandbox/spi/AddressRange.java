package dev.hearth.sandbox.spi;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A block of IPv4 or IPv6 addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare
 * address is its own {@code /32} or {@code /128}. The network is normalised: the bits beyond the
 * prefix are zero. Immutable.
 *
 * @param network the first address of the block
 * @param prefixLength how many leading bits are fixed (0–32 for IPv4, 0–128 for IPv6)
 */
public record AddressRange(InetAddress network, int prefixLength) {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    public AddressRange {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + bits + " for "
                    + network.getHostAddress());
        }
        network = masked(network, prefixLength);
    }

    /** The range of exactly one address. */
    public static AddressRange of(InetAddress address) {
        return new AddressRange(address, address.getAddress().length * 8);
    }

    /**
     * Parses {@code ADDRESS[/PREFIX]} (numeric addresses only: no name is ever looked up).
     *
     * @throws IllegalArgumentException naming the text when it is not such a range
     */
    public static AddressRange parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (address.isEmpty() || !LITERAL.matcher(address).matches() || (address.indexOf(':') < 0
                && !address.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw new IllegalArgumentException("not an IP address range (CIDR, e.g. 10.1.0.0/16): '" + text + "'");
        }
        try {
            InetAddress network = InetAddress.getByName(address);
            int bits = network.getAddress().length * 8;
            int prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
            return new AddressRange(network, prefix);
        } catch (UnknownHostException | IllegalArgumentException e) {
            // NumberFormatException is an IllegalArgumentException; so is a prefix beyond the family's bits
            throw new IllegalArgumentException("not an IP address range (CIDR, e.g. 10.1.0.0/16): '" + text + "'", e);
        }
    }

    /** Whether this is an IPv4 range. */
    public boolean ipv4() {
        return network instanceof Inet4Address;
    }

    /** Whether {@code address} (of the same family) lies in this range. */
    public boolean contains(InetAddress address) {
        return address.getAddress().length == network.getAddress().length
                && masked(address, prefixLength).equals(network);
    }

    /** {@code network/prefixLength}, as nftables and {@code ip} take it. */
    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        BigInteger value = new BigInteger(1, bytes);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE));
        byte[] raw = value.and(mask).toByteArray();
        byte[] result = new byte[bytes.length];
        int copy = Math.min(raw.length, result.length);
        System.arraycopy(raw, raw.length - copy, result, result.length - copy, copy);
        try {
            return InetAddress.getByAddress(result);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + result.length + " bytes", e);
        }
    }
}
