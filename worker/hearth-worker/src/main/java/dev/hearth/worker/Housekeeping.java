package dev.hearth.worker;

/**
 * What one round of {@link Worker#runHousekeeping()} did.
 *
 * @param idleReaped sandboxes shut down because they were idle past their keep-alive
 * @param initTimedOut sandboxes launched without an invocation (provisioned, pre-warmed, for a
 *     snapshot) shut down because their Init outlasted the init timeout
 * @param prewarmsStarted pre-warmed sandboxes launched because the keep-alive policy's time for them came
 * @param provisionedLaunched provisioned sandboxes launched to make up their version's provisioned concurrency
 * @param snapStartImagesDeleted SnapStart snapshots deleted because their revision is no longer current
 */
public record Housekeeping(int idleReaped, int initTimedOut, int prewarmsStarted, int provisionedLaunched,
        int snapStartImagesDeleted) {}
