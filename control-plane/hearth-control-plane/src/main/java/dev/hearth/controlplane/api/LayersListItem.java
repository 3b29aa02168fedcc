package dev.hearth.controlplane.api;

/** One layer of ListLayers, with its newest version that matches the request's filters. */
public record LayersListItem(String layerName, String layerArn, LayerVersionsListItem latestMatchingVersion) {}
