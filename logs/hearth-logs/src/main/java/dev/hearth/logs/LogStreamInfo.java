package dev.hearth.logs;

/**
 * A log stream and the times of its events (milliseconds since the epoch). A stream exists from its
 * first event until retention deletes its last one.
 */
public record LogStreamInfo(
        String logGroup,
        String name,
        long creationTime,
        long firstEventTimestamp,
        long lastEventTimestamp,
        long lastIngestionTime) {}
