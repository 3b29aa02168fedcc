package dev.hearth.logs;

/**
 * What one retention pass deleted.
 *
 * @param expired events deleted for being older than the retention age
 * @param evicted events deleted (oldest ingested first) to keep the store within its event cap
 * @param streamsRemoved streams deleted because retention left them empty
 */
public record RetentionOutcome(long expired, long evicted, long streamsRemoved) {}
