package dev.hearth.worker;

import java.util.Objects;
import java.util.Optional;

/**
 * How far the worker is with the provisioned concurrency of one function version
 * ({@link Worker#provision}).
 *
 * @param requested how many initialised sandboxes were asked for
 * @param ready how many have finished Init and serve (idle or busy) right now
 * @param failure why the last sandbox started for it failed (launch failure or Init error), when the
 *     latest attempt failed; cleared once a sandbox becomes ready again
 */
public record ProvisionedCapacity(int requested, int ready, Optional<String> failure) {
    public ProvisionedCapacity {
        Objects.requireNonNull(failure, "failure");
        if (requested < 0 || ready < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + requested + ", " + ready);
        }
    }

    /** Nothing provisioned. */
    public static final ProvisionedCapacity NONE = new ProvisionedCapacity(0, 0, Optional.empty());

    /** Every requested sandbox is ready. */
    public boolean isReady() {
        return ready >= requested;
    }
}
