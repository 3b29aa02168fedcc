package dev.hearth.sandbox.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Freezes and thaws one sandbox through its cgroup, for the backends whose sandbox is everything in
 * its cgroup (namespace: bubblewrap, the launcher, slirp4netns and the function's processes; gvisor:
 * the whole gVisor kernel). A sandbox being killed or already ended is left alone, and a failure that
 * only shows it ended meanwhile is not an error.
 *
 * <p>Threading: the worker freezes and thaws one sandbox from one thread at a time; a concurrent
 * kill is expected ({@code killing}) and wins: a freeze that lands after it is undone, so the kill's
 * SIGKILLs never stay pending in a frozen cgroup (cgroup v1).
 */
public final class CgroupFreezer {
    /** Longest a freeze waits for the kernel to report the cgroup frozen. */
    static final Duration FREEZE_DEADLINE = Duration.ofSeconds(10);

    private final SandboxCgroup cgroup;
    private final String sandboxId;
    private final BooleanSupplier killing;
    private final BooleanSupplier ended;

    /**
     * @param killing whether the sandbox is being killed
     * @param ended whether the sandbox has ended (its processes gone, its cgroup perhaps removed)
     */
    public CgroupFreezer(SandboxCgroup cgroup, String sandboxId, BooleanSupplier killing, BooleanSupplier ended) {
        this.cgroup = cgroup;
        this.sandboxId = sandboxId;
        this.killing = killing;
        this.ended = ended;
    }

    /** With a freezer: cgroup v2, or v1 with the freezer hierarchy mounted. */
    public boolean canFreeze() {
        return cgroup.canFreeze();
    }

    /** Freezes the cgroup and waits until the kernel reports it frozen. */
    public void freeze() {
        if (!canFreeze() || killing.getAsBoolean() || ended.getAsBoolean()) {
            return;
        }
        try {
            cgroup.freeze(FREEZE_DEADLINE);
            if (killing.getAsBoolean()) {
                cgroup.thaw(); // the kill thawed before this freeze landed: its SIGKILLs must not stay pending
            }
        } catch (IOException | UncheckedIOException e) {
            if (killing.getAsBoolean() || ended.getAsBoolean()) {
                return; // ended meanwhile
            }
            throw new UncheckedIOException("sandbox " + sandboxId + ": cannot freeze its cgroup " + cgroup,
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /** Thaws the cgroup. */
    public void thaw() {
        if (!canFreeze() || ended.getAsBoolean()) {
            return;
        }
        try {
            cgroup.thaw();
        } catch (IOException e) {
            if (killing.getAsBoolean() || ended.getAsBoolean()) {
                return; // ended meanwhile: the kill thaws what it kills
            }
            throw new UncheckedIOException("sandbox " + sandboxId + ": cannot thaw its cgroup " + cgroup, e);
        }
    }
}
