package dev.hearth.controlplane.api;

import java.util.List;

/** ListLayers' answer. */
public record ListLayersOutput(String nextMarker, List<LayersListItem> layers) {}
