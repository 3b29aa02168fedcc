package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.spi.OutboundPolicy;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of a {@link NamespaceSandboxBackend}.
 *
 * @param stateDir directory owned by the backend for files shared by its sandboxes (the compiled
 *     seccomp filter, the sandbox's {@code /etc/passwd} and {@code /etc/group}); created if missing
 *     and made world-readable, since the unprivileged sandbox user must be able to bind-mount them
 * @param sandboxUid uid that function code runs as when Hearth runs as root (never 0)
 * @param sandboxGid gid that function code runs as when Hearth runs as root (never 0)
 * @param cgroupParentName name of the cgroup, created inside Hearth's own cgroup of each hierarchy,
 *     under which each sandbox gets a cgroup named by its id
 * @param launchPoolSize how many launch processes wait, each in a cgroup of its own, for the next
 *     launches (0: none; every launch then joins its cgroup itself, which costs 6–9 ms on cgroup v1),
 *     and how many stem cells (sandboxes built ahead of need, {@link StemCells}) are kept for each
 *     recently launched (runtime, {@code /tmp} size, network) key (0: none)
 * @param outbound where sandboxes with network access may connect (enforced by nftables rules in
 *     each sandbox's network namespace, {@link SandboxNetwork})
 */
public record NamespaceSandboxSettings(Path stateDir, int sandboxUid, int sandboxGid, String cgroupParentName,
        int launchPoolSize, OutboundPolicy outbound) {

    /** The uid and gid of {@code nobody} on Debian. */
    public static final int NOBODY = 65534;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public NamespaceSandboxSettings {
        Objects.requireNonNull(stateDir, "stateDir");
        if (sandboxUid <= 0 || sandboxGid <= 0) {
            throw new IllegalArgumentException("sandbox uid and gid must be unprivileged (> 0): " + sandboxUid + ":" + sandboxGid);
        }
        if (!NAME.matcher(cgroupParentName).matches()) {
            throw new IllegalArgumentException("bad cgroup parent name: " + cgroupParentName);
        }
        if (launchPoolSize < 0) {
            throw new IllegalArgumentException("launchPoolSize must not be negative: " + launchPoolSize);
        }
        Objects.requireNonNull(outbound, "outbound");
    }

    /**
     * Sandboxes as {@code nobody:nogroup}, cgroups under {@code hearth}, two pooled launch processes,
     * {@link OutboundPolicy#DEFAULT}.
     */
    public static NamespaceSandboxSettings defaults(Path stateDir) {
        return new NamespaceSandboxSettings(stateDir, NOBODY, NOBODY, "hearth", 2, OutboundPolicy.DEFAULT);
    }

    /** These settings with another {@link #launchPoolSize()}. */
    public NamespaceSandboxSettings withLaunchPoolSize(int size) {
        return new NamespaceSandboxSettings(stateDir, sandboxUid, sandboxGid, cgroupParentName, size, outbound);
    }

    /** These settings with another {@link #outbound()} policy. */
    public NamespaceSandboxSettings withOutbound(OutboundPolicy policy) {
        return new NamespaceSandboxSettings(stateDir, sandboxUid, sandboxGid, cgroupParentName, launchPoolSize, policy);
    }
}
