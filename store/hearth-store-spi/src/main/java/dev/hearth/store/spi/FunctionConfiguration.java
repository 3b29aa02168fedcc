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
 * @param layers the version's {@code Layers}, in order (later layers override earlier files); empty when none
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
        String tracingMode,
        List<FunctionLayer> layers) {

    public FunctionConfiguration {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(description, "description");
        environment = Map.copyOf(environment);
        architectures = List.copyOf(architectures);
        Objects.requireNonNull(snapStartApplyOn, "snapStartApplyOn");
        tracingMode = Objects.requireNonNullElse(tracingMode, "PassThrough");
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /** A configuration without layers. */
    public FunctionConfiguration(String runtime, String handler, String role, String description, int memorySize, int timeout,
            int ephemeralStorageSize, Map<String, String> environment, List<String> architectures, String snapStartApplyOn,
            String tracingMode) {
        this(runtime, handler, role, description, memorySize, timeout, ephemeralStorageSize, environment, architectures,
                snapStartApplyOn, tracingMode, List.of());
    }

    /** This configuration with {@code newLayers} instead of its layers. */
    public FunctionConfiguration withLayers(List<FunctionLayer> newLayers) {
        return new FunctionConfiguration(runtime, handler, role, description, memorySize, timeout, ephemeralStorageSize,
                environment, architectures, snapStartApplyOn, tracingMode, newLayers);
    }
}
