package dev.hearth.worker;

import java.time.Instant;

/** Where one execution environment (a sandbox and its runtime) is in its lifecycle. */
sealed interface EnvironmentState {

    /** Launched for {@code first}; the runtime has not yet called {@code /next}. */
    record Initialising(Instant since, long launchedNanos, Invocation first) implements EnvironmentState {}

    /**
     * Launched without an invocation (provisioned concurrency, a keep-alive pre-warm, or a sandbox to
     * be saved as a snapshot); becomes {@link Idle} on the runtime's first {@code /next}.
     */
    record Warming(Instant since, long launchedNanos) implements EnvironmentState {}

    /** Warm and free, waiting in the pool until {@code until} (the keep-alive policy's decision). */
    record Idle(Instant since, Instant until) implements EnvironmentState {}

    /** Taken for {@code invocation}; waiting for the runtime's next {@code /next} to hand it over. */
    record Claimed(Instant since, Invocation invocation) implements EnvironmentState {}

    /** The runtime has {@code invocation}'s event and owes a response or error. */
    record Busy(Instant since, Invocation invocation) implements EnvironmentState {}

    /**
     * The runtime has answered {@code invocation}; extensions subscribed to INVOKE still process it
     * (they have not asked for their next event yet). Not free until they have.
     */
    record Finishing(Instant since, Invocation invocation) implements EnvironmentState {}

    /** Killed or exited, or about to be; never leaves this state. */
    record ShutDown(Instant since, String reason) implements EnvironmentState {}

    Instant since();

    static SandboxInfo.Phase phaseOf(EnvironmentState state) {
        return switch (state) {
            case Initialising i -> SandboxInfo.Phase.INITIALISING;
            case Warming w -> SandboxInfo.Phase.INITIALISING;
            case Idle i -> SandboxInfo.Phase.IDLE;
            case Claimed c -> SandboxInfo.Phase.BUSY;
            case Busy b -> SandboxInfo.Phase.BUSY;
            case Finishing f -> SandboxInfo.Phase.BUSY;
            case ShutDown s -> SandboxInfo.Phase.SHUTTING_DOWN;
        };
    }
}
