package dev.hearth.store.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a function: {@code $LATEST} (mutable) or a published number (immutable).
 *
 * @param functionName the function's name
 * @param version {@code $LATEST} or a decimal version number
 * @param configuration the version's configuration
 * @param code the version's code package
 * @param lastModified when the version's code or configuration last changed
 * @param revisionId changes on every change of this version (Lambda's RevisionId)
 */
public record FunctionVersion(
        String functionName,
        String version,
        FunctionConfiguration configuration,
        CodeRef code,
        Instant lastModified,
        String revisionId) {

    public static final String LATEST = "$LATEST";

    public FunctionVersion {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(revisionId, "revisionId");
    }

    public boolean isLatest() {
        return LATEST.equals(version);
    }

    /** The version number of a published version; 0 for {@code $LATEST}. */
    public long number() {
        return isLatest() ? 0 : Long.parseLong(version);
    }

    public FunctionVersion with(FunctionConfiguration newConfiguration, CodeRef newCode, Instant modified, String newRevisionId) {
        return new FunctionVersion(functionName, version, newConfiguration, newCode, modified, newRevisionId);
    }

    public FunctionVersion withRevision(String newRevisionId) {
        return new FunctionVersion(functionName, version, configuration, code, lastModified, newRevisionId);
    }
}
