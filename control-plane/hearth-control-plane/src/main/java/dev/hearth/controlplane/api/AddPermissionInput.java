package dev.hearth.controlplane.api;

/**
 * AddPermission's request body (the function and {@code Qualifier} come from the path and query);
 * {@code null} members were not given.
 */
public record AddPermissionInput(String statementId, String action, String principal, String sourceArn,
        String sourceAccount, String eventSourceToken, String revisionId, String principalOrgID,
        String functionUrlAuthType, Boolean invokedViaFunctionUrl) {}
