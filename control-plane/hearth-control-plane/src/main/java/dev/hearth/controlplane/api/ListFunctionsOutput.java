package dev.hearth.controlplane.api;

import java.util.List;

/** ListFunctions' response. */
public record ListFunctionsOutput(List<FunctionConfigurationOutput> functions, String nextMarker) {}
