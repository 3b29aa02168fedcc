package dev.hearth.sqs.spi;

import java.time.Instant;

/** A queue: its name, settings, and when it was created and last changed. */
public record QueueDescription(String name, QueueSettings settings, Instant created, Instant lastModified) {}
