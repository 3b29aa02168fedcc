package dev.hearth.controlplane.api;

/**
 * PutFunctionCodeSigningConfig's request body ({@code CodeSigningConfigArn} only) and the answer of
 * Put- and GetFunctionCodeSigningConfig ({@code FunctionName} is the function's name).
 */
public record FunctionCodeSigningConfig(String codeSigningConfigArn, String functionName) {}
