package dev.hearth.controlplane.api;

/** GetFunction's {@code Code}: where the package can be downloaded for a limited time. */
public record FunctionCodeLocation(String repositoryType, String location) {}
