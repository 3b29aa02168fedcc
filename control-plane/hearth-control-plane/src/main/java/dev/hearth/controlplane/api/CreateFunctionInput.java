package dev.hearth.controlplane.api;

import java.util.List;
import java.util.Map;

/** CreateFunction's request body. */
public record CreateFunctionInput(
        String functionName,
        String runtime,
        String role,
        String handler,
        FunctionCodeInput code,
        String description,
        Integer timeout,
        Integer memorySize,
        Boolean publish,
        String packageType,
        Environment environment,
        EphemeralStorage ephemeralStorage,
        List<String> architectures,
        Map<String, String> tags,
        SnapStart snapStart,
        TracingConfig tracingConfig) {}
