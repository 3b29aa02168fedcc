package dev.hearth.store.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of one function version, as set by CreateFunction and
 * UpdateFunctionConfiguration. Values are already validated by the control plane.
 */
public record FunctionConfiguration(
        String runtime,
        String handler,
        String role,
        String description,
        int memorySize,
        int timeout,
        int ephemeralStorageSize,
        Map<String, String> environment,
        List<String> architectures,
        String snapStartApplyOn) {

    public FunctionConfiguration {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(description, "description");
        environment = Map.copyOf(environment);
        architectures = List.copyOf(architectures);
        Objects.requireNonNull(snapStartApplyOn, "snapStartApplyOn");
    }
}
