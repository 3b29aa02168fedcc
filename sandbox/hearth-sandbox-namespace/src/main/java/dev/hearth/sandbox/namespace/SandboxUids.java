package dev.hearth.sandbox.namespace;

import java.util.BitSet;

/**
 * Host uids given to sandboxes one each, when Hearth is root: {@link #FIRST} to
 * {@code FIRST + COUNT - 1}, none of them a user of the host's {@code /etc/passwd} on common
 * systems (Debian allocates regular users from 1000, system users below 1000, and 65534 is
 * {@code nobody}). Each sandbox's processes run under its own uid (with the same number as gid and
 * no supplementary groups), so two sandboxes never share a host identity: a process that escaped
 * one could not signal, trace or read the files of another by owner; inside, bubblewrap maps it to
 * the backend's sandbox user ({@code sbx_user1051}), so functions see one uid as on Lambda.
 *
 * <p>Threading: thread-safe. A uid is free again once {@link #release}d; allocation takes the next
 * free one after the last handed out, so a released uid is not reused until the range has wrapped.
 */
final class SandboxUids {

    /** The first host uid of the range. */
    static final int FIRST = 100_000;
    /** How many uids the range holds. */
    static final int COUNT = 65_536;

    private final BitSet taken = new BitSet(COUNT);
    private int next;

    /**
     * A free uid of the range, now taken.
     *
     * @throws IllegalStateException when all {@link #COUNT} are taken
     */
    synchronized int allocate() {
        int free = taken.nextClearBit(next);
        if (free >= COUNT) {
            free = taken.nextClearBit(0);
        }
        if (free >= COUNT) {
            throw new IllegalStateException("all " + COUNT + " sandbox uids are in use");
        }
        taken.set(free);
        next = (free + 1) % COUNT;
        return FIRST + free;
    }

    /** Frees {@code uid} (one {@link #allocate} returned); others are ignored. */
    synchronized void release(int uid) {
        if (uid >= FIRST && uid < FIRST + COUNT) {
            taken.clear(uid - FIRST);
        }
    }

    /** How many uids are taken now (for tests). */
    synchronized int inUse() {
        return taken.cardinality();
    }
}
