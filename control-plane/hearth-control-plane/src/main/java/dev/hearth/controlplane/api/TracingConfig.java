package dev.hearth.controlplane.api;

/** {@code TracingConfig}: Hearth passes trace headers through ({@code PassThrough}). */
public record TracingConfig(String mode) {}
