package dev.hearth.sandbox.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TestOutboundPolicy {

    @Test
    void rangesParseNormaliseAndContain() throws Exception {
        AddressRange ten = AddressRange.parse("10.1.2.3/8");
        assertThat(ten).hasToString("10.0.0.0/8");
        assertThat(ten.contains(InetAddress.getByName("10.255.0.1"))).isTrue();
        assertThat(ten.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(ten.contains(InetAddress.getByName("fc00::1"))).isFalse();
        assertThat(AddressRange.parse("fd12:3456::1/7")).hasToString("fc00:0:0:0:0:0:0:0/7");
        assertThat(AddressRange.parse(" 192.0.2.7 ")).hasToString("192.0.2.7/32");
        assertThat(AddressRange.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void badRangesAreRefusedWithTheirText() {
        for (String bad : List.of("", "example.com", "10.0.0.0/33", "10.0.0/8", "fc00::/129", "10.0.0.0/x", "1.2.3.4/-1")) {
            assertThatThrownBy(() -> AddressRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> OutboundPolicy.parse("10.0.0.0/8,nope")).hasMessageContaining("'nope'");
    }

    @Test
    void policyParsesACommaSeparatedList() {
        assertThat(OutboundPolicy.parse("").allowed()).isEmpty();
        assertThat(OutboundPolicy.parse(" 10.1.0.0/16 , fd00::/8,").allowed()).extracting(AddressRange::toString)
                .containsExactly("10.1.0.0/16", "fd00:0:0:0:0:0:0:0/8");
    }

    @Test
    void overlappingRangesBecomeTheWidestSinceNftRefusesOverlapsInASet() {
        String rules = OutboundPolicy.parse("10.1.0.0/16,10.0.0.0/8,10.1.2.0/24,10.0.0.0/8").nftRuleset(List.of(), List.of(), List.of());

        assertThat(rules).contains("    ip daddr { 10.0.0.0/8 } accept\n");
    }

    @Test
    void rulesetRefusesHostThenAllowsDnsAndAllowedThenRefusesPrivate() throws Exception {
        String rules = OutboundPolicy.parse("172.30.0.0/16").nftRuleset(
                List.of(InetAddress.getByName("172.30.0.1"), InetAddress.getByName("203.0.113.9"), InetAddress.getByName("::1")),
                List.of(InetAddress.getByName("10.0.2.2")), List.of(InetAddress.getByName("10.0.2.3")));

        assertThat(rules).isEqualTo("""
                table inet hearth_outbound {
                  chain output {
                    type filter hook output priority 0; policy accept;
                    oifname "lo" accept
                    ip daddr { 172.30.0.1/32, 203.0.113.9/32, 10.0.2.2/32 } reject with icmpx type admin-prohibited
                    ip6 daddr { 0:0:0:0:0:0:0:1/128 } reject with icmpx type admin-prohibited
                    ip daddr 10.0.2.3 meta l4proto { tcp, udp } th dport 53 accept
                    ip daddr { 172.30.0.0/16 } accept
                    ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16 } \
                reject with icmpx type admin-prohibited
                    ip6 daddr { fc00:0:0:0:0:0:0:0/7, fe80:0:0:0:0:0:0:0/10 } reject with icmpx type admin-prohibited
                  }
                }
                """);
    }
}
