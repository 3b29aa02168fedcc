package dev.hearth.controlplane.api;

/** CreateAlias' and UpdateAlias' request body; for an update, {@code null} fields stay as they are. */
public record AliasInput(String name, String functionVersion, String description, AliasRoutingConfiguration routingConfig,
        String revisionId) {}
