package dev.hearth.controlplane.api;

import java.util.Map;

/** {@code RoutingConfig}: the second version and the share of invocations it receives. */
public record AliasRoutingConfiguration(Map<String, Double> additionalVersionWeights) {}
