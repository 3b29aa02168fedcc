package dev.hearth.worker;

import java.util.Arrays;

/**
 * A function's {@code TracingConfig.Mode}: whether Lambda samples invocations for X-Ray itself
 * ({@link #ACTIVE}) or only follows the sampling decision of the caller's trace header
 * ({@link #PASS_THROUGH}, Lambda's default).
 */
public enum TracingMode {
    /** {@code Active}: an invocation without the caller's decision is sampled. */
    ACTIVE("Active"),
    /** {@code PassThrough}: an invocation is sampled only when the caller's trace header says {@code Sampled=1}. */
    PASS_THROUGH("PassThrough");

    private final String lambdaName;

    TracingMode(String lambdaName) {
        this.lambdaName = lambdaName;
    }

    /** The mode as Lambda's API spells it: {@code Active} or {@code PassThrough}. */
    public String lambdaName() {
        return lambdaName;
    }

    /**
     * The mode Lambda's API calls {@code lambdaName}.
     *
     * @throws IllegalArgumentException for any other name (the control plane validated it before)
     */
    public static TracingMode ofLambdaName(String lambdaName) {
        return Arrays.stream(values()).filter(m -> m.lambdaName.equals(lambdaName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a tracing mode: " + lambdaName));
    }
}
