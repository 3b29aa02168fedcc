package dev.hearth.sandbox.spi;

import java.nio.file.Path;

/**
 * A saved sandbox, made by {@link SandboxSnapshots#save} and only meaningful to the backend that made
 * it. Immutable.
 */
public interface SandboxImage {

    /** The directory holding the image's files. */
    Path directory();

    /** The MemorySize the saved sandbox had; restores must use the same. */
    int memoryMb();

    /** Bytes the image occupies on disk (memory and device state). */
    long sizeBytes();
}
