package dev.hearth.controlplane.api;

import java.util.List;

/** ListFunctionsByCodeSigningConfig's answer: unqualified function ARNs. */
public record ListFunctionsByCodeSigningConfigOutput(String nextMarker, List<String> functionArns) {}
