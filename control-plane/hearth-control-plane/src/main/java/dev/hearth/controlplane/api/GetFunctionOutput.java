package dev.hearth.controlplane.api;

import java.util.Map;

/** GetFunction's response. */
public record GetFunctionOutput(
        FunctionConfigurationOutput configuration,
        FunctionCodeLocation code,
        Map<String, String> tags) {}
