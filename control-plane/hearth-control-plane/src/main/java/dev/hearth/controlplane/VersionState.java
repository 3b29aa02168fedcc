package dev.hearth.controlplane;

import java.util.Objects;

/**
 * A function version's {@code State} as Lambda reports it, with {@code StateReasonCode} and
 * {@code StateReason} when it is not {@code Active}.
 *
 * @param state {@code Pending}, {@code Active} or {@code Failed}
 * @param reasonCode Lambda's {@code StateReasonCode} (e.g. {@code Creating}); null when Active
 * @param reason a sentence for people; null when Active
 */
public record VersionState(String state, String reasonCode, String reason) {
    private static final String PENDING = "Pending";
    private static final String FAILED = "Failed";

    /** Ready to be invoked. */
    public static final VersionState ACTIVE = new VersionState("Active", null, null);

    public VersionState {
        Objects.requireNonNull(state, "state");
    }

    /** Being prepared (a SnapStart snapshot being taken): {@code Pending}, reason code {@code Creating}. */
    public static VersionState pending(String reason) {
        return new VersionState(PENDING, "Creating", reason);
    }

    /** Preparing it failed: {@code Failed}, reason code {@code InternalError}. */
    public static VersionState failed(String reason) {
        return new VersionState(FAILED, "InternalError", reason);
    }

    /** Whether the version is being prepared (and cannot be invoked yet). */
    public boolean isPending() {
        return state.equals(PENDING);
    }

    /** Whether preparing the version failed. */
    public boolean isFailed() {
        return state.equals(FAILED);
    }
}
