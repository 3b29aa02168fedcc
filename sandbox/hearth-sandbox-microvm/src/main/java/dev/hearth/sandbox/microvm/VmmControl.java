package dev.hearth.sandbox.microvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What Hearth asks of the VMM behind one microVM, over the VMM's own API socket: run the guest, save
 * it, and load a saved guest into a VMM started to receive one. The seam between the backend and a
 * particular VMM: {@link QemuVmmControl} drives QEMU over QMP; {@link FirecrackerVmmControl} drives
 * Firecracker's REST API. Guest RAM lives in a file Hearth names ({@link GuestMemory}), so saving
 * writes device state (and, for VMMs that cannot share RAM, the memory file) and never copies RAM
 * through Hearth.
 *
 * <p>Threading: one caller at a time per VM (the backend's launch, save or restore of it).
 * Ownership: {@link #close()} closes the API connection, not the VMM process.
 */
interface VmmControl extends Closeable {

    /** Starts the guest's vCPUs (after boot configuration or a load), or resumes them. */
    void resume() throws IOException;

    /** Stops the guest's vCPUs where they are (the guest is frozen); {@link #resume()} continues it. */
    void pause() throws IOException;

    /**
     * Pauses the guest and writes its state: device state to {@code stateFile}; guest memory to
     * {@code memoryFile} unless the VMM already keeps it in a shared file. Returns once written.
     *
     * @throws IOException when the state could not be written within {@code timeout}
     */
    void save(Path stateFile, Path memoryFile, Duration timeout) throws IOException;

    /**
     * Loads a state written by {@link #save} into a VMM started to receive one; the guest stays
     * paused until {@link #resume()}.
     */
    void load(Path stateFile, Path memoryFile, Duration timeout) throws IOException;
}
