package dev.hearth.controlplane.api;

/** AddPermission's response: the statement added, as a JSON string. */
public record AddPermissionOutput(String statement) {}
