/**
 * Lambda's control plane: creating, updating, versioning, aliasing, tagging and deleting functions,
 * with Lambda's validation rules and semantics ({@link dev.hearth.controlplane.FunctionService}), and
 * resolving a function reference to the version an invocation runs
 * ({@link dev.hearth.controlplane.FunctionResolver}).
 *
 * <p>The request and response shapes in {@code dev.hearth.controlplane.api} are Lambda's wire shapes
 * as Java records; the HTTP edge maps them to JSON with Lambda's PascalCase names.
 */
package dev.hearth.controlplane;
