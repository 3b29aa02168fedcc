package dev.hearth.controlplane.api;

/** {@code EphemeralStorage}: size of {@code /tmp} in MB. */
public record EphemeralStorage(Integer size) {}
