package dev.hearth.controlplane.api;

import java.util.List;

/** ListCodeSigningConfigs' answer. */
public record ListCodeSigningConfigsOutput(String nextMarker, List<CodeSigningConfigOutput> codeSigningConfigs) {}
