package dev.hearth.controlplane.api;

import java.util.List;

/** {@code FunctionConfiguration}, as Lambda reports a function version. */
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
        String packageType,
        List<String> architectures,
        EphemeralStorage ephemeralStorage,
        SnapStartResponse snapStart,
        LoggingConfig loggingConfig) {}
