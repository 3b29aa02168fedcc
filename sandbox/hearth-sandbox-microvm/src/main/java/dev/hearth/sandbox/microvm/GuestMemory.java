package dev.hearth.sandbox.microvm;

import java.nio.file.Path;

/** Where a guest's RAM lives. */
sealed interface GuestMemory {
    /** Anonymous memory of the QEMU process: the default, nothing to clean up. */
    record Anonymous() implements GuestMemory {}

    /** A file QEMU maps shared, so that its pages are the RAM of a later snapshot. */
    record SharedFile(Path file) implements GuestMemory {}

    /** A snapshot's RAM file mapped copy-on-write: the file never changes, each clone has private pages. */
    record PrivateCopyOf(Path file) implements GuestMemory {}
}
