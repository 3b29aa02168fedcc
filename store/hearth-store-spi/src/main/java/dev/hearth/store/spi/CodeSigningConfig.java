package dev.hearth.store.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A code signing configuration (CreateCodeSigningConfig) of the store's account and region: which
 * signing profiles a function's packages must be signed by, and what a deployment that fails the
 * check does. The control plane validates it; the store keeps it exactly.
 *
 * @param id {@code csc-} and 17 characters, unique in the store
 * @param description may be empty
 * @param signingProfileVersionArns AllowedPublishers' SigningProfileVersionArns, in the order given
 * @param untrustedArtifactOnDeployment {@code Warn} or {@code Enforce}
 * @param tags the tags given at creation
 * @param lastModified when it was created or last updated
 */
public record CodeSigningConfig(String id, String description, List<String> signingProfileVersionArns,
        String untrustedArtifactOnDeployment, Map<String, String> tags, Instant lastModified) {
    public CodeSigningConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        signingProfileVersionArns = List.copyOf(signingProfileVersionArns);
        Objects.requireNonNull(untrustedArtifactOnDeployment, "untrustedArtifactOnDeployment");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
