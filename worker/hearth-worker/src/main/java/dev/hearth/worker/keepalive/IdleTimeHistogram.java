package dev.hearth.worker.keepalive;

import java.time.Duration;

/**
 * One function's distribution of idle times (the time between consecutive invocations), in fixed-width
 * bins over a bounded range, plus a count of those beyond the range. Fixed memory: one counter per bin.
 *
 * <p>Threading: not thread-safe; {@link AdaptiveKeepAlive} guards each histogram with its own lock.
 */
final class IdleTimeHistogram {
    private final long binNanos;
    private final long[] bins;
    private long inRange;
    private long outOfRange;

    IdleTimeHistogram(Duration binWidth, int binCount) {
        this.binNanos = binWidth.toNanos();
        this.bins = new long[binCount];
    }

    void add(Duration idleTime) {
        long bin = idleTime.toNanos() / binNanos;
        if (bin >= bins.length) {
            outOfRange++;
        } else {
            bins[(int) Math.max(0, bin)]++;
            inRange++;
        }
    }

    long samples() {
        return inRange + outOfRange;
    }

    long inRange() {
        return inRange;
    }

    long outOfRange() {
        return outOfRange;
    }

    /**
     * The coefficient of variation of the bin counts: high when idle times concentrate in a few bins
     * (a predictable function), near zero when they spread evenly.
     */
    double binCountVariation() {
        double mean = (double) inRange / bins.length;
        if (mean == 0) {
            return 0;
        }
        double squares = 0;
        for (long count : bins) {
            double d = count - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / bins.length) / mean;
    }

    /** In-range idle times in the first bin (shorter than one bin width). */
    long inFirstBin() {
        return bins[0];
    }

    /**
     * The start of the bin holding the {@code percentile}-th percentile of the in-range idle times
     * that are at least one bin long (the second mode of a bursty function).
     */
    Duration percentileFloorBeyondFirstBin(double percentile) {
        long beyond = inRange - bins[0];
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * beyond));
        long seen = 0;
        for (int i = 1; i < bins.length; i++) {
            seen += bins[i];
            if (seen >= rank) {
                return Duration.ofNanos(i * binNanos);
            }
        }
        return Duration.ofNanos((bins.length - 1) * binNanos);
    }

    /** The start of the bin holding the {@code percentile}-th percentile of in-range idle times. */
    Duration percentileFloor(double percentile) {
        return Duration.ofNanos(percentileBin(percentile) * binNanos);
    }

    /** The end of the bin holding the {@code percentile}-th percentile of in-range idle times. */
    Duration percentileCeiling(double percentile) {
        return Duration.ofNanos((percentileBin(percentile) + 1) * binNanos);
    }

    private long percentileBin(double percentile) {
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * inRange));
        long seen = 0;
        for (int i = 0; i < bins.length; i++) {
            seen += bins[i];
            if (seen >= rank) {
                return i;
            }
        }
        return bins.length - 1;
    }
}
