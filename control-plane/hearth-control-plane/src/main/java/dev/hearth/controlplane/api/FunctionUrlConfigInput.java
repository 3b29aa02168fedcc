package dev.hearth.controlplane.api;

/**
 * The body of CreateFunctionUrlConfig and UpdateFunctionUrlConfig (the function and {@code Qualifier}
 * come from the path and query); {@code null} members were not given.
 */
public record FunctionUrlConfigInput(String authType, Cors cors, String invokeMode) {}
