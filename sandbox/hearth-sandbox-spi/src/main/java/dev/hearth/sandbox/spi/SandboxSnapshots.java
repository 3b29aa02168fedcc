package dev.hearth.sandbox.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The snapshot capability of a backend (Lambda SnapStart's mechanism): save a sandbox whose runtime
 * has initialised, and start later sandboxes by restoring that state instead of launching and
 * initialising again. Offered by {@link SandboxBackend#snapshots()} where the isolation technology
 * can save memory and device state (the {@code microvm} backend).
 *
 * <p>Restored sandboxes share the saved memory: whatever the runtime made unique during Init (random
 * seeds, ids, connections) is the same in every clone. Connections through the Runtime API open at
 * save time are not carried into clones: the guest sees them closed and the runtime must reconnect.
 *
 * <p>Threading: thread-safe, like the backend. Ownership: a {@link SandboxImage} belongs to the
 * caller, who deletes it with {@link #delete}; the backend never deletes one on its own, except on
 * {@link SandboxBackend#close()}.
 */
public interface SandboxSnapshots {

    /**
     * Launches like {@link SandboxBackend#launch}, in a form that {@link #save} can later save.
     *
     * @throws SandboxLaunchException when the sandbox could not be started; nothing is left running
     */
    Sandbox launchForSnapshot(SandboxSpec spec) throws SandboxLaunchException;

    /**
     * Saves a sandbox started by {@link #launchForSnapshot} into {@code directory} (absent or empty)
     * and then kills it; its {@link Sandbox#exit()} completes as for {@link Sandbox#kill()}.
     *
     * @throws IOException when the state could not be saved; the sandbox is then killed too
     * @throws IllegalArgumentException for a sandbox this backend did not launch for a snapshot
     */
    SandboxImage save(Sandbox sandbox, Path directory) throws IOException;

    /**
     * Starts a new sandbox from a saved image, resumed where it was saved. Of {@code spec} only the
     * id, scratch directory, Runtime API and limits are used (the command, environment and code are
     * the image's); the memory limit must equal the image's.
     *
     * @throws SandboxLaunchException when the sandbox could not be started; nothing is left running
     */
    Sandbox restore(SandboxImage image, SandboxSpec spec) throws SandboxLaunchException;

    /** Deletes an image's files; sandboxes already restored from it keep running. */
    void delete(SandboxImage image) throws IOException;
}
