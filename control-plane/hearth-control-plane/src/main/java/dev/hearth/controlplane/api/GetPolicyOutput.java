package dev.hearth.controlplane.api;

/** GetPolicy's response: the policy document as a JSON string, and the RevisionId of the policy. */
public record GetPolicyOutput(String policy, String revisionId) {}
