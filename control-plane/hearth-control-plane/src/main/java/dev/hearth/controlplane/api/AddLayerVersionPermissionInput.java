package dev.hearth.controlplane.api;

/** AddLayerVersionPermission's request body (the RevisionId precondition is a query parameter). */
public record AddLayerVersionPermissionInput(String statementId, String action, String principal, String organizationId) {}
