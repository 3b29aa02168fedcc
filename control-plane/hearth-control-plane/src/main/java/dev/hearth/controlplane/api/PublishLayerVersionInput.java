package dev.hearth.controlplane.api;

import java.util.List;

/** PublishLayerVersion's request body (the layer's name is in the path). */
public record PublishLayerVersionInput(
        String description,
        LayerVersionContentInput content,
        List<String> compatibleRuntimes,
        String licenseInfo,
        List<String> compatibleArchitectures) {}
