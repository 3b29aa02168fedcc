package dev.hearth.store.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A function as a whole, beyond its versions.
 *
 * @param name the function name
 * @param createdAt when it was created
 * @param lastPublishedVersion the highest version number ever published (0 before the first);
 *     Lambda never reuses a version number, even after deleting that version
 * @param tags the function's tags
 */
public record FunctionRecord(String name, Instant createdAt, long lastPublishedVersion, Map<String, String> tags) {
    public FunctionRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        tags = Map.copyOf(tags);
    }

    public FunctionRecord withTags(Map<String, String> newTags) {
        return new FunctionRecord(name, createdAt, lastPublishedVersion, newTags);
    }

    public FunctionRecord withLastPublishedVersion(long version) {
        return new FunctionRecord(name, createdAt, version, tags);
    }
}
