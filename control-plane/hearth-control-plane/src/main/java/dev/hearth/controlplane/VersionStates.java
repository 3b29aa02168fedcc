package dev.hearth.controlplane;

import dev.hearth.store.spi.FunctionVersion;

/**
 * Where {@link FunctionService} learns the {@link VersionState} of the versions it reports: the
 * control plane stores configurations, while what makes a version {@code Pending} (a SnapStart
 * snapshot in the making) happens on the workers. Called on request threads; must not block.
 */
@FunctionalInterface
public interface VersionStates {
    /** Every version Active: for control planes without workers that prepare versions. */
    VersionStates ALWAYS_ACTIVE = version -> VersionState.ACTIVE;

    VersionState stateOf(FunctionVersion version);
}
