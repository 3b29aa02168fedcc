package dev.hearth.controlplane.api;

/** GetLayerVersionPolicy's answer: the policy document as a JSON string, and its RevisionId. */
public record LayerVersionPolicyOutput(String policy, String revisionId) {}
