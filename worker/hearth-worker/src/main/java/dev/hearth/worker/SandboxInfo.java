package dev.hearth.worker;

import java.time.Instant;

/**
 * The state of one sandbox at one moment, for metrics and the console.
 *
 * @param sandboxId the sandbox's id
 * @param functionName the function it serves
 * @param version the function version it serves
 * @param revisionId the revision it serves
 * @param phase where it is in its lifecycle
 * @param since when it entered that phase
 * @param logStream its log stream name
 * @param initializationType how it was initialised ({@code AWS_LAMBDA_INITIALIZATION_TYPE})
 * @param provisioned whether it belongs to the version's provisioned concurrency
 */
public record SandboxInfo(
        String sandboxId, String functionName, String version, String revisionId, Phase phase, Instant since,
        String logStream, InitializationType initializationType, boolean provisioned) {

    /** Lifecycle phases as shown to operators. */
    public enum Phase {
        /** Launched; the runtime has not yet asked for its first event. */
        INITIALISING,
        /** Warm and free: can take the next invocation of its function version. */
        IDLE,
        /** Running an invocation (or holding one the runtime is about to take). */
        BUSY,
        /** Being shut down; gone from the pool once its processes have exited. */
        SHUTTING_DOWN
    }
}
