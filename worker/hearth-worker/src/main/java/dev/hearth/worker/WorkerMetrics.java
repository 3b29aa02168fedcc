package dev.hearth.worker;

import dev.hearth.worker.keepalive.KeepAliveStats;

/**
 * A worker's counters and gauges at one moment, for metrics and benchmarks. Counters count since the
 * worker started; time-based values use the worker's injected clock.
 *
 * @param sandboxes execution environments in any phase
 * @param idleSandboxes warm idle environments (provisioned ones included)
 * @param idleMemoryMb MemorySize summed over the idle environments
 * @param coldStarts invocations that launched (or restored) a new environment
 * @param warmStarts invocations that took a warm one
 * @param prewarmsStarted environments the keep-alive policy had initialised ahead of invocations
 * @param prewarmHits invocations that took such a pre-warmed environment
 * @param idleReaped environments shut down because their keep-alive ran out
 * @param evicted idle environments shut down early to make room for a new sandbox
 * @param idleMemoryMbMinutes integral of {@code idleMemoryMb} over time: the memory held warm but unused
 * @param pendingPrewarms pre-warms scheduled for later
 * @param keepAlive the keep-alive policy's own counters
 */
public record WorkerMetrics(
        int sandboxes,
        int idleSandboxes,
        long idleMemoryMb,
        long coldStarts,
        long warmStarts,
        long prewarmsStarted,
        long prewarmHits,
        long idleReaped,
        long evicted,
        double idleMemoryMbMinutes,
        int pendingPrewarms,
        KeepAliveStats keepAlive) {}
