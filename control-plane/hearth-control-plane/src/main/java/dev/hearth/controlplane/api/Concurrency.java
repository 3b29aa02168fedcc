package dev.hearth.controlplane.api;

/**
 * A function's reserved concurrency: GetFunction's {@code Concurrency}, and the body of
 * PutFunctionConcurrency's request and of its and GetFunctionConcurrency's responses (empty when
 * none is set).
 */
public record Concurrency(Integer reservedConcurrentExecutions) {}
