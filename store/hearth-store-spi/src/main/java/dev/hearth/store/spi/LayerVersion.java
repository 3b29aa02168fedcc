package dev.hearth.store.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One published version of a layer (PublishLayerVersion). Immutable once published, except for its
 * permissions, whose policy has a RevisionId of its own.
 *
 * @param layerName the layer's name
 * @param version the version number, from 1, never reused within a layer
 * @param description the version's description ({@code ""} when none was given)
 * @param createdDate when the version was published
 * @param compatibleRuntimes the runtimes the version declares, or {@code null} when the request named none
 *     (Lambda leaves the member out then; an empty list given stays an empty list)
 * @param compatibleArchitectures as {@code compatibleRuntimes}, for architectures
 * @param licenseInfo the license, or {@code null}
 * @param code the layer's package
 * @param policyRevisionId the RevisionId of the version's permission policy; changes with every added or
 *     removed permission
 */
public record LayerVersion(
        String layerName,
        long version,
        String description,
        Instant createdDate,
        List<String> compatibleRuntimes,
        List<String> compatibleArchitectures,
        String licenseInfo,
        CodeRef code,
        String policyRevisionId) {

    public LayerVersion {
        Objects.requireNonNull(layerName, "layerName");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdDate, "createdDate");
        compatibleRuntimes = compatibleRuntimes == null ? null : List.copyOf(compatibleRuntimes);
        compatibleArchitectures = compatibleArchitectures == null ? null : List.copyOf(compatibleArchitectures);
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(policyRevisionId, "policyRevisionId");
        if (version < 1) {
            throw new IllegalArgumentException("layer versions start at 1: " + version);
        }
    }

    public LayerVersion withPolicyRevision(String revisionId) {
        return new LayerVersion(layerName, version, description, createdDate, compatibleRuntimes, compatibleArchitectures,
                licenseInfo, code, revisionId);
    }
}
