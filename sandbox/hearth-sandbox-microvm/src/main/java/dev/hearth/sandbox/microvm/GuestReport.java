package dev.hearth.sandbox.microvm;

/** What the guest init has said on the control port so far. */
sealed interface GuestReport {
    /** Nothing yet: the guest is booting (or was restored and is running). */
    record Silent() implements GuestReport {}

    /** The init is up and about to run the command. */
    record Booted() implements GuestReport {}

    /** The command ended with {@code status}; {@code outOfMemory} if the guest kernel's OOM killer ran. */
    record Exited(int status, boolean outOfMemory) implements GuestReport {}
}
