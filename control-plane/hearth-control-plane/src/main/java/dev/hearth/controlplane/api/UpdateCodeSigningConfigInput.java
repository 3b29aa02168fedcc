package dev.hearth.controlplane.api;

/** UpdateCodeSigningConfig's request body: what is given changes, the rest stays. */
public record UpdateCodeSigningConfigInput(String description, AllowedPublishers allowedPublishers,
        CodeSigningPolicies codeSigningPolicies) {}
