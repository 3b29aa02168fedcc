package dev.hearth.store.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A named pointer to a function version, optionally routing a share of invocations to a second
 * version.
 *
 * @param additionalVersionWeights version to weight (0.0–1.0) for RoutingConfig; empty when none
 */
public record Alias(
        String functionName,
        String name,
        String functionVersion,
        String description,
        Map<String, Double> additionalVersionWeights,
        String revisionId) {

    public Alias {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(functionVersion, "functionVersion");
        Objects.requireNonNull(description, "description");
        additionalVersionWeights = Map.copyOf(additionalVersionWeights);
        Objects.requireNonNull(revisionId, "revisionId");
    }
}
