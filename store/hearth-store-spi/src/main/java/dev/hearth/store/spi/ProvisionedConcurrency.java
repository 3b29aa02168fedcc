package dev.hearth.store.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A provisioned concurrency configuration: how many initialised sandboxes to keep for a published
 * version or an alias of a function.
 *
 * @param functionName the function
 * @param qualifier a version number or an alias name, never {@code $LATEST}
 * @param requested RequestedProvisionedConcurrentExecutions, at least 1
 * @param lastModified when it was last put
 */
public record ProvisionedConcurrency(String functionName, String qualifier, int requested, Instant lastModified) {
    public ProvisionedConcurrency {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(lastModified, "lastModified");
        if (requested < 1) {
            throw new IllegalArgumentException("requested must be at least 1: " + requested);
        }
    }
}
