package dev.hearth.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * Latencies of one measured phase, in nanoseconds, sorted. Immutable.
 *
 * @param sortedNanos every sample, ascending; never empty
 */
public record LatencySamples(long[] sortedNanos) {

    public LatencySamples {
        if (sortedNanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        sortedNanos = sortedNanos.clone();
        Arrays.sort(sortedNanos);
    }

    /** Sorts a copy of {@code nanos}. */
    public static LatencySamples of(long[] nanos) {
        return new LatencySamples(nanos);
    }

    /** All samples of {@code parts} together. */
    public static LatencySamples merge(java.util.List<LatencySamples> parts) {
        return new LatencySamples(parts.stream().flatMapToLong(p -> Arrays.stream(p.sortedNanos)).toArray());
    }

    public int count() {
        return sortedNanos.length;
    }

    /**
     * The nearest-rank percentile: the smallest sample such that at least {@code percent}% of the
     * samples are less than or equal to it.
     *
     * @param percent in (0, 100]
     */
    public long percentileNanos(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percentile out of (0, 100]: " + percent);
        }
        int rank = (int) Math.ceil(percent / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(rank, 1) - 1];
    }

    public Duration percentile(double percent) {
        return Duration.ofNanos(percentileNanos(percent));
    }

    /** Milliseconds with microsecond resolution, for tables. */
    public double percentileMillis(double percent) {
        return percentileNanos(percent) / 1_000_000.0;
    }

    @Override
    public long[] sortedNanos() {
        return sortedNanos.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LatencySamples that && Arrays.equals(sortedNanos, that.sortedNanos);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sortedNanos);
    }

    @Override
    public String toString() {
        return "LatencySamples[n=" + count() + ", p50=" + percentile(50) + ", p99=" + percentile(99) + "]";
    }
}
