package dev.hearth.controlplane.api;

/** {@code SnapStart} in requests: {@code PublishedVersions} or {@code None}. */
public record SnapStart(String applyOn) {}
