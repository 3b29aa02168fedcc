package dev.hearth.controlplane.api;

import java.util.Map;

/** CreateCodeSigningConfig's request body. */
public record CreateCodeSigningConfigInput(String description, AllowedPublishers allowedPublishers,
        CodeSigningPolicies codeSigningPolicies, Map<String, String> tags) {}
