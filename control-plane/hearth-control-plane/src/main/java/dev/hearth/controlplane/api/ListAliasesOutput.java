package dev.hearth.controlplane.api;

import java.util.List;

/** ListAliases' response. */
public record ListAliasesOutput(List<AliasConfiguration> aliases, String nextMarker) {}
