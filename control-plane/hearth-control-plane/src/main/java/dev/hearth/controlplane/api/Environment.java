package dev.hearth.controlplane.api;

import java.util.Map;

/** {@code Environment}: the function's environment variables. */
public record Environment(Map<String, String> variables) {}
