package dev.hearth.controlplane.api;

import java.util.Map;

/**
 * GetFunction's response; {@code tags} is null (left out) when the function has none and {@code
 * concurrency} when no reservation is set, as Lambda leaves them out.
 */
public record GetFunctionOutput(
        FunctionConfigurationOutput configuration,
        FunctionCodeLocation code,
        Map<String, String> tags,
        Concurrency concurrency) {}
