package dev.hearth.server;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How the embedded worker keeps, adds and places sandboxes.
 *
 * @param keepAlive the keep-alive policy: {@link KeepAlive#FIXED} keeps every idle sandbox for
 *     {@code idleTimeout}; {@link KeepAlive#ADAPTIVE} learns each function's inter-arrival times
 *     ("Serverless in the Wild") and falls back to {@code idleTimeout} while it knows too little
 * @param idleTimeout the fixed keep-alive, and the adaptive policy's fallback
 * @param sandboxesPer10Seconds new sandboxes one function may start per 10 seconds (Lambda: 1,000)
 * @param hostMemoryMb memory the running invocations may reserve; empty: this host's RAM less a headroom
 * @param capacityWait how long an invocation may wait for host capacity before it is throttled
 */
public record ScalingConfig(KeepAlive keepAlive, Duration idleTimeout, int sandboxesPer10Seconds,
        OptionalLong hostMemoryMb, Duration capacityWait) {

    /** The keep-alive policies {@code hearth server --keep-alive} offers. */
    public enum KeepAlive { FIXED, ADAPTIVE }

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_SANDBOXES_PER_10_SECONDS = 1000;
    public static final Duration DEFAULT_CAPACITY_WAIT = Duration.ofSeconds(2);

    public ScalingConfig {
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(hostMemoryMb, "hostMemoryMb");
        Objects.requireNonNull(capacityWait, "capacityWait");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive: " + idleTimeout);
        }
        if (sandboxesPer10Seconds < 1) {
            throw new IllegalArgumentException("the scaling rate must be at least 1 sandbox per 10 s: " + sandboxesPer10Seconds);
        }
        if (hostMemoryMb.isPresent() && hostMemoryMb.getAsLong() < 128) {
            throw new IllegalArgumentException("host memory must be at least 128 MB: " + hostMemoryMb.getAsLong());
        }
        if (capacityWait.isNegative()) {
            throw new IllegalArgumentException("the capacity wait must not be negative: " + capacityWait);
        }
    }

    /** Lambda's behaviour: a fixed keep-alive, 1,000 new sandboxes per 10 s, the whole host. */
    public static ScalingConfig defaults() {
        return new ScalingConfig(KeepAlive.FIXED, DEFAULT_IDLE_TIMEOUT, DEFAULT_SANDBOXES_PER_10_SECONDS,
                OptionalLong.empty(), DEFAULT_CAPACITY_WAIT);
    }

    public ScalingConfig withKeepAlive(KeepAlive newKeepAlive) {
        return new ScalingConfig(newKeepAlive, idleTimeout, sandboxesPer10Seconds, hostMemoryMb, capacityWait);
    }
}
