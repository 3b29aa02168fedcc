package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

final class TestLatencySamples {

    @Test
    void nearestRankPercentilesOfUnsortedSamples() {
        LatencySamples samples = LatencySamples.of(LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray());
        assertThat(samples.count()).isEqualTo(100);
        assertThat(samples.percentileNanos(50)).isEqualTo(50);
        assertThat(samples.percentileNanos(90)).isEqualTo(90);
        assertThat(samples.percentileNanos(99)).isEqualTo(99);
        assertThat(samples.percentileNanos(100)).isEqualTo(100);
        assertThat(samples.percentileNanos(0.001)).isEqualTo(1);
    }

    @Test
    void singleSampleIsEveryPercentile() {
        LatencySamples one = LatencySamples.of(new long[] {2_500_000});
        assertThat(one.percentileMillis(50)).isEqualTo(2.5);
        assertThat(one.percentileMillis(99)).isEqualTo(2.5);
    }

    @Test
    void mergeKeepsEverySample() {
        LatencySamples merged = LatencySamples.merge(List.of(LatencySamples.of(new long[] {5, 1}), LatencySamples.of(new long[] {3})));
        assertThat(merged.sortedNanos()).containsExactly(1, 3, 5);
    }

    @Test
    void rejectsNoSamplesAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> LatencySamples.of(new long[0])).isInstanceOf(IllegalArgumentException.class);
        LatencySamples samples = LatencySamples.of(new long[] {1});
        assertThatThrownBy(() -> samples.percentileNanos(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> samples.percentileNanos(100.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
