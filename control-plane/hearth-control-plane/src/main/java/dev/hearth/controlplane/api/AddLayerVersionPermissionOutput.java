package dev.hearth.controlplane.api;

/** AddLayerVersionPermission's answer: the statement added, as a JSON string, and the policy's new RevisionId. */
public record AddLayerVersionPermissionOutput(String statement, String revisionId) {}
