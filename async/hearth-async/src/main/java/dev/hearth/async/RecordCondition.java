package dev.hearth.async;

/** Lambda's {@code requestContext.condition} of an invocation record; the names are the wire values. */
public enum RecordCondition {
    /** The function returned a result. */
    Success,
    /** The function failed on every attempt MaximumRetryAttempts allowed. */
    RetriesExhausted,
    /** The event got older than MaximumEventAgeInSeconds before it could run successfully. */
    EventAgeExceeded
}
