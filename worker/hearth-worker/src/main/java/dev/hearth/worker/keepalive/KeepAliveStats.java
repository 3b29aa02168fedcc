package dev.hearth.worker.keepalive;

/**
 * A policy's counters since it was created, for metrics.
 *
 * @param policy the policy's {@link KeepAlivePolicy#name()}
 * @param functionsTracked function versions the policy currently keeps history for
 * @param keepDecisions decisions that kept a sandbox warm
 * @param prewarmDecisions decisions that shut a sandbox down to pre-warm one later
 * @param fallbackDecisions decisions taken by the fallback rule (too little or unusable history)
 */
public record KeepAliveStats(String policy, int functionsTracked, long keepDecisions, long prewarmDecisions,
        long fallbackDecisions) {}
