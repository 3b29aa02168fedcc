package dev.hearth.controlplane.api;

import java.util.List;

/** A layer version as ListLayerVersions and ListLayers list it: no content. */
public record LayerVersionsListItem(
        String layerVersionArn,
        long version,
        String description,
        String createdDate,
        List<String> compatibleRuntimes,
        String licenseInfo,
        List<String> compatibleArchitectures) {}
