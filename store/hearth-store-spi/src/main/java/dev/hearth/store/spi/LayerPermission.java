package dev.hearth.store.spi;

import java.util.Objects;

/**
 * One statement of a layer version's permission policy (AddLayerVersionPermission).
 *
 * @param layerName the layer's name
 * @param version the layer version the statement is on
 * @param statementId the statement's id, unique within the version's policy
 * @param action the action granted ({@code lambda:GetLayerVersion})
 * @param principal an account id or {@code *}
 * @param organizationId the AWS Organizations id the grant is limited to, or {@code null}
 */
public record LayerPermission(String layerName, long version, String statementId, String action, String principal,
        String organizationId) {

    public LayerPermission {
        Objects.requireNonNull(layerName, "layerName");
        Objects.requireNonNull(statementId, "statementId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(principal, "principal");
    }
}
