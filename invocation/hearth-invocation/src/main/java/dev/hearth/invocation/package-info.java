/**
 * The invocation core: {@link dev.hearth.invocation.InvocationService}, which every entry point calls,
 * and what keeps the worker ready for it — the revision of a version the worker runs ({@link
 * dev.hearth.invocation.FunctionRevisions}), SnapStart snapshots taken at publish and the version
 * states they imply ({@link dev.hearth.invocation.SnapStartPreparation}), and provisioned
 * concurrency reconciled into the worker ({@link dev.hearth.invocation.ProvisionedConcurrencyReconciler}).
 */
package dev.hearth.invocation;
