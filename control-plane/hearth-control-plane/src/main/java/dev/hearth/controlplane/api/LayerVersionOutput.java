package dev.hearth.controlplane.api;

import java.util.List;

/**
 * PublishLayerVersion's and GetLayerVersion's (and GetLayerVersionByArn's) answer. {@code
 * CompatibleRuntimes}, {@code CompatibleArchitectures} and {@code LicenseInfo} are left out when the
 * version was published without them, as Lambda does.
 */
public record LayerVersionOutput(
        LayerVersionContentOutput content,
        String layerArn,
        String layerVersionArn,
        String description,
        String createdDate,
        long version,
        List<String> compatibleRuntimes,
        String licenseInfo,
        List<String> compatibleArchitectures) {}
