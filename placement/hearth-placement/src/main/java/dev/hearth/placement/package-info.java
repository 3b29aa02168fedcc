/**
 * Lambda's Placement service for Hearth: whether a host has room for another invocation or a new
 * sandbox ({@link dev.hearth.placement.HostCapacity}), how fast one function may add sandboxes
 * ({@link dev.hearth.placement.ScalingRate}), and which host gets a new sandbox
 * ({@link dev.hearth.placement.Placement}).
 */
package dev.hearth.placement;
