/**
 * Lambda's Placement service for Hearth, on one host: whether the host has room for another
 * invocation or a new sandbox ({@link dev.hearth.placement.HostCapacity}) and how fast one function
 * may add sandboxes ({@link dev.hearth.placement.ScalingRate}). Choosing among several hosts comes
 * with cluster mode, over the capacity that workers report.
 */
package dev.hearth.placement;
