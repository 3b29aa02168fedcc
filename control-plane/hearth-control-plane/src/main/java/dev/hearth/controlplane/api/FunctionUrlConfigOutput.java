package dev.hearth.controlplane.api;

/**
 * A function URL as Create/Get/UpdateFunctionUrlConfig and ListFunctionUrlConfigs answer it
 * (CreateFunctionUrlConfig's answer has no {@code LastModifiedTime}: null).
 */
public record FunctionUrlConfigOutput(String functionUrl, String functionArn, String authType, Cors cors,
        String creationTime, String lastModifiedTime, String invokeMode) {}
