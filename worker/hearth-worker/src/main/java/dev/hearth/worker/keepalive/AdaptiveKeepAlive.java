package dev.hearth.worker.keepalive;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hybrid histogram policy of "Serverless in the Wild" (Shahrad et al., USENIX ATC 2020), which
 * none of the open-source peers has. Per function it keeps a histogram of idle times between
 * invocations (1-minute bins up to 4 hours by default). When the histogram is representative (enough
 * samples, bin counts concentrated: coefficient of variation above a threshold, few idle times beyond
 * the range), a sandbox that becomes idle is
 * <ul>
 *   <li>shut down at once and a new one pre-warmed just before the next expected invocation, when
 *       even short idle times are long: pre-warm after the head percentile (5th) less a margin, keep
 *       until the tail percentile (99th) plus a margin;
 *   <li>otherwise kept warm until the tail percentile plus a margin — often far shorter than a fixed
 *       timeout, which is where the idle memory goes.
 * </ul>
 * Without a representative histogram it falls back to a fixed keep-alive (the paper's standard
 * keep-alive). Each decision is counted in {@link #stats()}.
 *
 * <p>One refinement over the paper, for bursty functions (short idle times within bursts, long ones
 * between them): the paper's rule keeps such a function warm through the whole gap to the next
 * burst, because its head percentile falls in the first bin. Here, when at least
 * {@link Settings#headPercentile()} percent of the idle times lie beyond the first bin and their own
 * head is at least two bins away, the sandbox is kept for one bin only (the rest of a burst) and,
 * once that runs out ({@link #afterExpiry}), a new one is pre-warmed before the next burst is due.
 *
 * <p>Threading: thread-safe; one small lock per function, no I/O.
 */
public final class AdaptiveKeepAlive implements KeepAlivePolicy {

    /**
     * The policy's parameters (the paper's defaults in {@link #defaults}).
     *
     * @param binWidth width of a histogram bin
     * @param bins number of bins; idle times beyond {@code binWidth × bins} are out of range
     * @param headPercentile percentile of idle times that ends the pre-warm window
     * @param tailPercentile percentile of idle times that ends the keep-alive window
     * @param margin fraction taken off the pre-warm window and added to the keep-alive window
     * @param minSamples idle times needed before the histogram is trusted
     * @param minVariation coefficient of variation of bin counts needed to trust the histogram
     * @param maxOutOfRange largest fraction of idle times beyond the range for the histogram to be trusted
     * @param fallback keep-alive while the histogram is not trusted
     */
    public record Settings(Duration binWidth, int bins, double headPercentile, double tailPercentile, double margin,
            int minSamples, double minVariation, double maxOutOfRange, Duration fallback) {
        public Settings {
            Objects.requireNonNull(binWidth, "binWidth");
            Objects.requireNonNull(fallback, "fallback");
            if (!binWidth.isPositive() || bins < 1 || !fallback.isPositive() || minSamples < 1
                    || headPercentile <= 0 || tailPercentile > 100 || headPercentile >= tailPercentile
                    || margin < 0 || margin >= 1 || maxOutOfRange < 0 || maxOutOfRange > 1) {
                throw new IllegalArgumentException("invalid adaptive keep-alive settings: " + binWidth + " × " + bins
                        + " bins, percentiles " + headPercentile + "/" + tailPercentile + ", margin " + margin
                        + ", min samples " + minSamples + ", fallback " + fallback);
            }
        }

        /**
         * The paper's choices: 1-minute bins over 4 hours, 5th and 99th percentiles, a 10 % margin, a
         * coefficient of variation of at least 2, at most half the idle times out of range; trusted
         * after 10 idle times; {@code fallback} until then.
         */
        public static Settings defaults(Duration fallback) {
            return new Settings(Duration.ofMinutes(1), 240, 5, 99, 0.10, 10, 2.0, 0.5, fallback);
        }
    }

    private final Settings settings;
    private final Map<FunctionKey, History> histories = new ConcurrentHashMap<>();
    private final LongAdder keeps = new LongAdder();
    private final LongAdder prewarms = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();

    public AdaptiveKeepAlive(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public void onArrival(FunctionKey function, Instant at) {
        histories.computeIfAbsent(function, f -> new History(settings)).arrived(at);
    }

    @Override
    public KeepAliveDecision onIdle(FunctionKey function, Instant idleSince) {
        History history = histories.get(function);
        KeepAliveDecision decision = history == null ? null : history.decide();
        if (decision == null) {
            fallbacks.increment();
            return KeepAliveDecision.keepFor(settings.fallback());
        }
        (decision.prewarms() ? prewarms : keeps).increment();
        return decision;
    }

    @Override
    public Optional<KeepAliveDecision> afterExpiry(FunctionKey function, Instant idleSince) {
        History history = histories.get(function);
        Optional<KeepAliveDecision> decision = history == null ? Optional.empty() : history.betweenBursts();
        decision.ifPresent(d -> prewarms.increment());
        return decision;
    }

    @Override
    public void forget(FunctionKey function) {
        histories.remove(function);
    }

    @Override
    public KeepAliveStats stats() {
        return new KeepAliveStats(name(), histories.size(), keeps.sum(), prewarms.sum(), fallbacks.sum());
    }

    /** One function's arrivals so far. */
    private static final class History {
        private final Settings settings;
        private final IdleTimeHistogram histogram;
        private Instant lastArrival;

        History(Settings settings) {
            this.settings = settings;
            this.histogram = new IdleTimeHistogram(settings.binWidth(), settings.bins());
        }

        synchronized void arrived(Instant at) {
            if (lastArrival != null && at.isAfter(lastArrival)) {
                histogram.add(Duration.between(lastArrival, at));
            }
            if (lastArrival == null || at.isAfter(lastArrival)) {
                lastArrival = at;
            }
        }

        /** The histogram's decision, or {@code null} when it cannot be trusted yet. */
        synchronized KeepAliveDecision decide() {
            if (!trusted()) {
                return null;
            }
            if (betweenBursts().isPresent()) {
                // within a burst: keep for the rest of it; afterExpiry pre-warms for the next one
                return KeepAliveDecision.keepFor(scale(settings.binWidth(), 1 + settings.margin()));
            }
            Duration head = histogram.percentileFloor(settings.headPercentile());
            Duration tail = histogram.percentileCeiling(settings.tailPercentile());
            Duration prewarm = scale(head, 1 - settings.margin());
            Duration keepUntil = scale(tail, 1 + settings.margin());
            if (prewarm.compareTo(settings.binWidth()) < 0) {
                // the next invocation may come within a bin: keep the sandbox
                return KeepAliveDecision.keepFor(keepUntil);
            }
            return new KeepAliveDecision(prewarm, keepUntil.minus(prewarm));
        }

        private boolean trusted() {
            long samples = histogram.samples();
            return samples >= settings.minSamples()
                    && (double) histogram.outOfRange() / samples <= settings.maxOutOfRange()
                    && histogram.binCountVariation() >= settings.minVariation();
        }

        /**
         * For a bursty function (head in the first bin, a second mode at least two bins away): pre-warm
         * before the second mode's head and keep until the tail; empty otherwise.
         */
        synchronized Optional<KeepAliveDecision> betweenBursts() {
            if (!trusted()) {
                return Optional.empty();
            }
            long beyond = histogram.inRange() - histogram.inFirstBin();
            boolean headInFirstBin = histogram.percentileFloor(settings.headPercentile()).isZero();
            if (!headInFirstBin || beyond * 100.0 / histogram.inRange() < settings.headPercentile()) {
                return Optional.empty();
            }
            Duration secondHead = histogram.percentileFloorBeyondFirstBin(settings.headPercentile());
            if (secondHead.compareTo(settings.binWidth().multipliedBy(2)) < 0) {
                return Optional.empty();
            }
            Duration prewarm = scale(secondHead, 1 - settings.margin());
            Duration keepUntil = scale(histogram.percentileCeiling(settings.tailPercentile()), 1 + settings.margin());
            return Optional.of(new KeepAliveDecision(prewarm, keepUntil.minus(prewarm)));
        }

        private static Duration scale(Duration d, double factor) {
            return Duration.ofNanos(Math.round(d.toNanos() * factor));
        }
    }
}
