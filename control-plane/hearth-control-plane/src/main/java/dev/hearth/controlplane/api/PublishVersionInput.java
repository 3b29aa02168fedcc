package dev.hearth.controlplane.api;

/** PublishVersion's request body. */
public record PublishVersionInput(String codeSha256, String description, String revisionId) {}
