package dev.hearth.worker;

/**
 * How an execution environment was initialised, as Lambda tells the function in
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE}.
 */
public enum InitializationType {
    /** Launched for an invocation (a cold start) or pre-warmed by the keep-alive policy. */
    ON_DEMAND("on-demand"),
    /** Kept initialised by provisioned concurrency. */
    PROVISIONED_CONCURRENCY("provisioned-concurrency"),
    /** Restored from a snapshot taken after Init (SnapStart), or the sandbox that snapshot was taken of. */
    SNAP_START("snap-start");

    private final String variableValue;

    InitializationType(String variableValue) {
        this.variableValue = variableValue;
    }

    /** The value of {@code AWS_LAMBDA_INITIALIZATION_TYPE}. */
    public String variableValue() {
        return variableValue;
    }
}
