package dev.hearth.controlplane;

import dev.hearth.controlplane.policy.PolicyConditions;
import dev.hearth.controlplane.policy.PolicyDocument;
import dev.hearth.controlplane.policy.PolicyPrincipal;
import dev.hearth.controlplane.policy.PolicyRequest;
import dev.hearth.controlplane.policy.PolicyStatement;
import dev.hearth.store.spi.LayerPermission;
import java.util.List;
import java.util.Optional;

/**
 * A layer version's stored permissions as the resource-based policy model ({@link PolicyDocument})
 * that renders them as Lambda does and decides who they grant: an {@code OrganizationId} becomes an
 * {@code aws:PrincipalOrgID} condition (which no Hearth caller satisfies, as Hearth has no
 * organizations). Stateless.
 */
final class LayerPolicyDocument {
    static final String GET_LAYER_VERSION = "lambda:GetLayerVersion";

    private LayerPolicyDocument() {}

    static PolicyDocument of(List<LayerPermission> permissions, String layerVersionArn) {
        return new PolicyDocument(permissions.stream().map(p -> statement(p, layerVersionArn)).toList());
    }

    static PolicyStatement statement(LayerPermission p, String layerVersionArn) {
        PolicyConditions conditions = new PolicyConditions(Optional.empty(), Optional.empty(), Optional.ofNullable(p.organizationId()),
                Optional.empty(), Optional.empty(), false);
        return new PolicyStatement(p.statementId(), PolicyPrincipal.parse(p.principal()), p.action(), layerVersionArn, conditions);
    }

    /** Whether {@code permissions} let {@code accountId} use the layer version. */
    static boolean grants(List<LayerPermission> permissions, String layerVersionArn, String accountId) {
        return of(permissions, layerVersionArn).allows(PolicyRequest.direct(accountId, GET_LAYER_VERSION));
    }
}
