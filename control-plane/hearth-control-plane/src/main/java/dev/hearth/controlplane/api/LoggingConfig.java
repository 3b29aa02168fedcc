package dev.hearth.controlplane.api;

/** {@code LoggingConfig}: Hearth writes text logs to {@code /aws/lambda/NAME}. */
public record LoggingConfig(String logFormat, String logGroup) {}
