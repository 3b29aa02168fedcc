package dev.hearth.controlplane;

import dev.hearth.core.FunctionRef;
import dev.hearth.store.spi.FunctionVersion;

/**
 * The outcome of resolving an Invoke's function reference.
 *
 * @param invoked the function as the caller named it (unqualified, version or alias), with its
 *     account and region
 * @param version the version that runs (its {@code version()} is {@code X-Amz-Executed-Version})
 * @param versionArn the qualified ARN of that version
 */
public record ResolvedFunction(FunctionRef invoked, FunctionVersion version, String versionArn) {
    /** The ARN as the caller named it, which the runtime sees as the invoked function ARN. */
    public String invokedArn() {
        return invoked.arn();
    }
}
