package dev.hearth.controlplane.api;

/** UpdateFunctionConfiguration's request body; {@code null} fields stay as they are. */
public record UpdateFunctionConfigurationInput(
        String role,
        String handler,
        String description,
        Integer timeout,
        Integer memorySize,
        Environment environment,
        String runtime,
        String revisionId,
        EphemeralStorage ephemeralStorage,
        SnapStart snapStart,
        TracingConfig tracingConfig) {}
