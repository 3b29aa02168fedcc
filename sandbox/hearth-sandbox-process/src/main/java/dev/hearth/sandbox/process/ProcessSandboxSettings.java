package dev.hearth.sandbox.process;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code process} backend.
 *
 * @param limitSampleInterval how often the watchdog samples every sandbox's process tree (resident
 *     memory and thread count); shorter catches a memory hog sooner at the cost of one {@code /proc}
 *     scan per interval
 * @param unprivilegedUid the user sandboxes run as when Hearth runs as root (default 65534, nobody)
 * @param unprivilegedGid the group sandboxes run as when Hearth runs as root (default 65534, nogroup)
 */
public record ProcessSandboxSettings(Duration limitSampleInterval, int unprivilegedUid, int unprivilegedGid) {

    /** nobody / nogroup on Debian. */
    public static final int NOBODY = 65534;

    public ProcessSandboxSettings {
        Objects.requireNonNull(limitSampleInterval, "limitSampleInterval");
        if (limitSampleInterval.isNegative() || limitSampleInterval.isZero()) {
            throw new IllegalArgumentException("limitSampleInterval must be positive: " + limitSampleInterval);
        }
        if (unprivilegedUid <= 0 || unprivilegedGid <= 0) {
            throw new IllegalArgumentException(
                    "sandboxes must not run as root: uid " + unprivilegedUid + ", gid " + unprivilegedGid);
        }
    }

    /** Samples every 100 ms; runs sandboxes as nobody:nogroup when Hearth is root. */
    public static ProcessSandboxSettings defaults() {
        return new ProcessSandboxSettings(Duration.ofMillis(100), NOBODY, NOBODY);
    }
}
