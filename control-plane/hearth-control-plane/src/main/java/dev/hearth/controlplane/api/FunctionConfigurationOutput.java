package dev.hearth.controlplane.api;

import java.util.List;

/**
 * {@code FunctionConfiguration}, as Lambda reports a function version. Which fields are present
 * depends on the answer, as on Lambda: {@code State} and {@code LastUpdateStatus} (with their reasons)
 * and {@code RuntimeVersionConfig} are in the answers about one version, not in list entries;
 * {@code Environment} only when the version has variables, {@code Layers} only when it has layers. A
 * {@code null} field is left out.
 */
public record FunctionConfigurationOutput(
        String functionName,
        String functionArn,
        String runtime,
        String role,
        String handler,
        long codeSize,
        String description,
        int timeout,
        int memorySize,
        String lastModified,
        String codeSha256,
        String version,
        Environment environment,
        TracingConfig tracingConfig,
        String revisionId,
        String state,
        String stateReasonCode,
        String stateReason,
        String lastUpdateStatus,
        String lastUpdateStatusReason,
        String lastUpdateStatusReasonCode,
        String packageType,
        List<String> architectures,
        EphemeralStorage ephemeralStorage,
        SnapStartResponse snapStart,
        LoggingConfig loggingConfig,
        RuntimeVersionConfig runtimeVersionConfig,
        List<Layer> layers) {}
