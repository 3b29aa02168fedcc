package dev.hearth.logs;

/**
 * One stored log event.
 *
 * @param timestamp when the event happened, milliseconds since the epoch
 * @param ingestionTime when Hearth received it, milliseconds since the epoch
 * @param eventId stable and unique across the store (never reused, also after deletions)
 */
public record LogEvent(String logGroup, String logStream, long timestamp, String message, long ingestionTime, String eventId) {}
