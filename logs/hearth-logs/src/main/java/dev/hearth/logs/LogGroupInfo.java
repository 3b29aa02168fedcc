package dev.hearth.logs;

/**
 * A log group: created with its first event, kept after retention empties it.
 *
 * @param storedBytes UTF-8 bytes of the messages currently stored in the group
 */
public record LogGroupInfo(String name, long creationTime, long storedBytes) {}
