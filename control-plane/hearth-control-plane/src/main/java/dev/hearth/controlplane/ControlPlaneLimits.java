package dev.hearth.controlplane;

/**
 * Account-wide code limits reported by GetAccountSettings and enforced on code uploads.
 *
 * @param totalCodeSize most bytes of code across all functions and versions (Lambda: 75 GB)
 * @param maxZippedBytes most bytes of one zip uploaded directly (Lambda: 50 MB)
 * @param maxUnzippedBytes most bytes of one package unzipped (Lambda: 250 MB)
 */
public record ControlPlaneLimits(long totalCodeSize, long maxZippedBytes, long maxUnzippedBytes) {
    public static final ControlPlaneLimits LAMBDA_DEFAULTS = new ControlPlaneLimits(80_530_636_800L, 52_428_800L, 262_144_000L);
}
