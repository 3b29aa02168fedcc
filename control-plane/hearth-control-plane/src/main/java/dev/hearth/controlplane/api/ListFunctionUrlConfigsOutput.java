package dev.hearth.controlplane.api;

import java.util.List;

/** ListFunctionUrlConfigs' answer: one page of a function's URLs, ordered by qualifier. */
public record ListFunctionUrlConfigsOutput(List<FunctionUrlConfigOutput> functionUrlConfigs, String nextMarker) {}
