package dev.hearth.controlplane.api;

import java.util.Map;

/** GetFunction's response; {@code concurrency} is null (left out) when no reservation is set. */
public record GetFunctionOutput(
        FunctionConfigurationOutput configuration,
        FunctionCodeLocation code,
        Map<String, String> tags,
        Concurrency concurrency) {}
