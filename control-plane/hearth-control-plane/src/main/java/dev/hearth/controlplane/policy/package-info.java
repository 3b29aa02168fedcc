/**
 * Lambda's resource-based policy documents, as AddPermission writes them and GetPolicy (or
 * GetLayerVersionPolicy) answers them: {@link PolicyDocument} of {@link PolicyStatement}s, each with
 * a {@link PolicyPrincipal} and {@link PolicyConditions}, rendered as Lambda's JSON and read back
 * from it, and evaluated for a {@link PolicyRequest} (who asks for which action). Immutable values,
 * no storage: the function's and the layer's services store the rendered JSON.
 */
package dev.hearth.controlplane.policy;
