package dev.hearth.logs;

/** How streams are listed, as CloudWatch Logs' {@code orderBy}. */
public enum LogStreamOrder {
    LogStreamName,
    LastEventTime
}
