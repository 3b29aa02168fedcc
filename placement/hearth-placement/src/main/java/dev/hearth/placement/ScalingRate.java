package dev.hearth.placement;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lambda's scaling rate: how fast one function may add new sandboxes. Each function has a token
 * bucket holding at most {@code burst} sandboxes, refilled continuously at {@code sandboxes} per
 * {@code period} (Lambda: 1,000 execution environments every 10 seconds per function). Warm
 * invocations take no token.
 *
 * <p>Threading: thread-safe; one short lock per function. Time comes from the injected clock.
 */
public final class ScalingRate {
    /** The {@code Reason} Lambda gives when a function scales faster than allowed. */
    public static final String THROTTLE_REASON = "FunctionInvocationRateLimitExceeded";
    public static final int DEFAULT_SANDBOXES = 1000;
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);

    private final int burst;
    private final double tokensPerNano;
    private final InstantSource clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param sandboxes new sandboxes allowed per {@code period}, also the burst size
     * @param period the refill period
     */
    public ScalingRate(int sandboxes, Duration period, InstantSource clock) {
        if (sandboxes <= 0 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("scaling rate must be positive: " + sandboxes + " per " + period);
        }
        this.burst = sandboxes;
        this.tokensPerNano = (double) sandboxes / period.toNanos();
        this.clock = clock;
    }

    /** Lambda's rate: 1,000 new sandboxes per 10 s per function. */
    public static ScalingRate lambdaDefault(InstantSource clock) {
        return new ScalingRate(DEFAULT_SANDBOXES, DEFAULT_PERIOD, clock);
    }

    /** Takes a token for one new sandbox of {@code function}; false when its bucket is empty. */
    public boolean tryAcquire(String function) {
        long now = nanos();
        return buckets.computeIfAbsent(function, f -> new Bucket(burst, now)).take(now);
    }

    /**
     * Takes a token or throws Lambda's throttle.
     *
     * @throws LambdaException 429 {@code TooManyRequestsException}, Reason {@value #THROTTLE_REASON}
     */
    public void acquire(String function) {
        if (!tryAcquire(function)) {
            throw new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded. Function " + function
                    + " is adding sandboxes faster than " + burst + " per " + Duration.ofNanos(Math.round(burst / tokensPerNano))
                    .toSeconds() + " s.", Map.of("Reason", THROTTLE_REASON));
        }
    }

    /** Tokens left for {@code function} now (the burst size for a function never seen). */
    public double available(String function) {
        Bucket bucket = buckets.get(function);
        return bucket == null ? burst : bucket.available(nanos());
    }

    /** The function is gone: drop its bucket. */
    public void forget(String function) {
        buckets.remove(function);
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized double available(long now) {
            refill(now);
            return tokens;
        }

        private void refill(long now) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (now - at) * tokensPerNano);
                at = now;
            }
        }
    }
}
