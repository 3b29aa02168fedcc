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
        TracingConfig tracingConfig,
        String codeSigningConfigArn,
        List<String> layers) {

    /** A request without layers. */
    public CreateFunctionInput(String functionName, String runtime, String role, String handler, FunctionCodeInput code,
            String description, Integer timeout, Integer memorySize, Boolean publish, String packageType,
            Environment environment, EphemeralStorage ephemeralStorage, List<String> architectures, Map<String, String> tags,
            SnapStart snapStart, TracingConfig tracingConfig, String codeSigningConfigArn) {
        this(functionName, runtime, role, handler, code, description, timeout, memorySize, publish, packageType, environment,
                ephemeralStorage, architectures, tags, snapStart, tracingConfig, codeSigningConfigArn, null);
    }

    /** A request without a code signing configuration. */
    public CreateFunctionInput(String functionName, String runtime, String role, String handler, FunctionCodeInput code,
            String description, Integer timeout, Integer memorySize, Boolean publish, String packageType,
            Environment environment, EphemeralStorage ephemeralStorage, List<String> architectures, Map<String, String> tags,
            SnapStart snapStart, TracingConfig tracingConfig) {
        this(functionName, runtime, role, handler, code, description, timeout, memorySize, publish, packageType, environment,
                ephemeralStorage, architectures, tags, snapStart, tracingConfig, null);
    }
}
