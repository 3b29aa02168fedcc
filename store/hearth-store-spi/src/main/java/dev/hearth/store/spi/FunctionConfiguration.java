package dev.hearth.store.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of one function version, as set by CreateFunction and
 * UpdateFunctionConfiguration. Values are already validated by the control plane.
 *
 * @param tracingMode {@code TracingConfig.Mode}: {@code Active} or {@code PassThrough}; a configuration
 *     stored before Hearth kept it has none and is {@code PassThrough}, Lambda's default
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
        String snapStartApplyOn,
        String tracingMode) {

    public FunctionConfiguration {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(description, "description");
        environment = Map.copyOf(environment);
        architectures = List.copyOf(architectures);
        Objects.requireNonNull(snapStartApplyOn, "snapStartApplyOn");
        tracingMode = Objects.requireNonNullElse(tracingMode, "PassThrough");
    }
}
