package dev.hearth.controlplane.api;

/** The answer of Create-, Get- and UpdateCodeSigningConfig: {@code {"CodeSigningConfig": {...}}}. */
public record CodeSigningConfigResponse(CodeSigningConfigOutput codeSigningConfig) {}
