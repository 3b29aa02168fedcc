package dev.hearth.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Best-fit packing across hosts by their dominant resource. */
final class TestPlacement {
    private static HostCapacity host(String id, long budgetMb) {
        return new HostCapacity(id, new CapacitySettings(budgetMb, 0, Duration.ZERO, 0), () -> 1_000_000);
    }

    @Test
    void theFullestHostThatFitsIsChosenSoEmptyHostsStayEmpty() {
        HostCapacity a = host("a", 4096);
        HostCapacity b = host("b", 4096);
        Placement placement = new Placement(List.of(a, b), 2.0);
        a.admit(1024, 0.5);

        assertThat(placement.choose(1024)).contains(a);
        a.admit(2560, 0.1);
        assertThat(placement.choose(1024)).as("a has only 512 MB left").contains(b);
        assertThat(placement.choose(8192)).isEmpty();
    }

    @Test
    void cpuCountsWhenItIsTheDominantResource() {
        HostCapacity memoryHeavy = host("m", 4096);
        HostCapacity cpuHeavy = host("c", 4096);
        Placement placement = new Placement(List.of(memoryHeavy, cpuHeavy), 2.0);
        memoryHeavy.admit(1024, 0.1);
        cpuHeavy.admit(256, 1.5);

        assertThat(placement.choose(128)).as("c is 75 % full by CPU, m 25 % by memory").contains(cpuHeavy);
    }
}
