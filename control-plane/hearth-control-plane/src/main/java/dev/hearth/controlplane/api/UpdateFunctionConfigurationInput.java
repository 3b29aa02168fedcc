package dev.hearth.controlplane.api;

import java.util.List;

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
        TracingConfig tracingConfig,
        List<String> layers) {

    /** A request that leaves the layers as they are. */
    public UpdateFunctionConfigurationInput(String role, String handler, String description, Integer timeout, Integer memorySize,
            Environment environment, String runtime, String revisionId, EphemeralStorage ephemeralStorage, SnapStart snapStart,
            TracingConfig tracingConfig) {
        this(role, handler, description, timeout, memorySize, environment, runtime, revisionId, ephemeralStorage, snapStart,
                tracingConfig, null);
    }
}
