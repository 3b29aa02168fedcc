package dev.hearth.controlplane.api;

/** {@code SnapStart} in a function configuration. */
public record SnapStartResponse(String applyOn, String optimizationStatus) {}
