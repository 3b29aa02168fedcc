package dev.hearth.controlplane;

import dev.hearth.store.spi.FunctionVersion;

/**
 * The outcome of resolving an Invoke's function reference.
 *
 * @param version the version that runs (its {@code version()} is {@code X-Amz-Executed-Version})
 * @param versionArn the qualified ARN of that version
 * @param invokedArn the ARN as the caller named it (unqualified, version or alias), which the
 *     runtime sees as the invoked function ARN
 */
public record ResolvedFunction(FunctionVersion version, String versionArn, String invokedArn) {}
