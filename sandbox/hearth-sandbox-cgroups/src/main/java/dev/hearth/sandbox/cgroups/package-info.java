/**
 * Cgroups of the Linux sandbox backends ({@code namespace}, {@code gvisor}): finding where a
 * backend's sandbox cgroups live on a cgroup v1 (legacy or hybrid) or v2 (unified) host
 * ({@link dev.hearth.sandbox.cgroups.CgroupHierarchy}), creating one cgroup per sandbox with its
 * memory, CPU and pids limits ({@link dev.hearth.sandbox.cgroups.CgroupLimits}), and reading and
 * ending it ({@link dev.hearth.sandbox.cgroups.SandboxCgroup}): peak memory, OOM kills, members,
 * SIGKILL to all, removal, and the CPU limit applied after Init.
 */
package dev.hearth.sandbox.cgroups;
