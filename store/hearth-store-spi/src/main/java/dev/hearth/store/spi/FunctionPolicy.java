package dev.hearth.store.spi;

import java.util.Objects;

/**
 * The resource-based policy of a function, a published version or an alias (AddPermission): a JSON
 * document the control plane writes and reads; the store keeps it exactly and removes it with the
 * function, version or alias it belongs to.
 *
 * @param functionName the function
 * @param qualifier {@code $LATEST} for the function itself (an unqualified AddPermission), else a
 *     version number or an alias name
 * @param document the policy document, JSON
 */
public record FunctionPolicy(String functionName, String qualifier, String document) {
    public FunctionPolicy {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(document, "document");
    }
}
