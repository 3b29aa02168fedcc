package dev.hearth.controlplane.api;

import java.util.List;

/** ListLayerVersions' answer: newest version first. */
public record ListLayerVersionsOutput(String nextMarker, List<LayerVersionsListItem> layerVersions) {}
