package dev.hearth.controlplane.api;

/** An alias, as Lambda reports it. */
public record AliasConfiguration(String aliasArn, String name, String functionVersion, String description,
        AliasRoutingConfiguration routingConfig, String revisionId) {}
