package dev.hearth.controlplane.api;

/**
 * {@code TracingConfig}, in requests and configurations: {@code Mode} is {@code Active} or
 * {@code PassThrough} (the default).
 */
public record TracingConfig(String mode) {}
