package dev.hearth.controlplane.api;

/** Lambda's {@code CodeSigningConfig} shape, as Create, Get, Update and List answer it. */
public record CodeSigningConfigOutput(String codeSigningConfigId, String codeSigningConfigArn, String description,
        AllowedPublishers allowedPublishers, CodeSigningPolicies codeSigningPolicies, String lastModified) {}
