package dev.hearth.controlplane.api;

import java.util.List;

/** ListVersionsByFunction's response. */
public record ListVersionsOutput(List<FunctionConfigurationOutput> versions, String nextMarker) {}
