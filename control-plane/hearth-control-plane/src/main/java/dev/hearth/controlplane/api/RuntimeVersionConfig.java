package dev.hearth.controlplane.api;

/**
 * {@code RuntimeVersionConfig}: the runtime version a function version runs on, as Lambda names it
 * ({@code arn:aws:lambda:REGION::runtime:<64 hex digits>}).
 */
public record RuntimeVersionConfig(String runtimeVersionArn) {}
