package dev.hearth.controlplane.api;

/** A code signing configuration's {@code CodeSigningPolicies}: {@code Warn} or {@code Enforce}. */
public record CodeSigningPolicies(String untrustedArtifactOnDeployment) {}
