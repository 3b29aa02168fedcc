package dev.hearth.packages;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated, normalised location inside a package: relative, no {@code ..}, no empty or {@code .}
 * segments. The empty path is the package root.
 *
 * <p>Rules for a zip entry's name ({@link #parse}): {@code '/'} separates segments; empty and {@code .}
 * segments are dropped (as {@code unzip} does); a NUL, a leading {@code '/'} or {@code '\'}, a drive
 * letter ({@code C:}) or a {@code ..} segment rejects the entry. Commons Compress already reads the
 * backslashes of a name written on Windows (FAT platform, no {@code '/'}) as separators, as
 * {@code unzip} does; elsewhere a backslash is an ordinary character of a Linux file name, but a name
 * that would climb out of the package if backslashes were separators is rejected too.
 */
record EntryPath(List<String> segments) {
    /** Linux's limit on one file name ({@code NAME_MAX}), in bytes. */
    static final int MAX_SEGMENT_BYTES = 255;

    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);
    private static final EntryPath ROOT = new EntryPath(List.of());

    EntryPath {
        segments = List.copyOf(segments);
    }

    static EntryPath root() {
        return ROOT;
    }

    /**
     * Validates and normalises a zip entry's name.
     *
     * @throws dev.hearth.core.LambdaException InvalidParameterValueException naming the entry if the
     *     name is unsafe or over a limit
     */
    static EntryPath parse(String entryName, PackageLimits limits) {
        if (entryName.indexOf('\0') >= 0) {
            throw PackageRejections.badEntry(entryName, "contains a NUL character");
        }
        if (entryName.startsWith("/") || entryName.startsWith("\\")) {
            throw PackageRejections.badEntry(entryName, "is an absolute path");
        }
        if (DRIVE_LETTER.matcher(entryName).matches()) {
            throw PackageRejections.badEntry(entryName, "starts with a drive letter");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : entryName.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..") || List.of(segment.split("\\\\", -1)).contains("..")) {
                throw PackageRejections.badEntry(entryName, "contains '..', which would escape the package");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw PackageRejections.badEntry(
                        entryName, "has a name segment longer than " + MAX_SEGMENT_BYTES + " bytes");
            }
            segments.add(segment);
        }
        if (segments.size() > limits.maxPathDepth()) {
            throw PackageRejections.badEntry(
                    entryName, "is nested deeper than " + limits.maxPathDepth() + " directories");
        }
        var path = new EntryPath(segments);
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > limits.maxPathBytes()) {
            throw PackageRejections.badEntry(entryName, "has a path longer than " + limits.maxPathBytes() + " bytes");
        }
        return path;
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    int depth() {
        return segments.size();
    }

    /** The enclosing directory; empty for the root. */
    Optional<EntryPath> parent() {
        return isRoot() ? Optional.empty() : Optional.of(new EntryPath(segments.subList(0, segments.size() - 1)));
    }

    EntryPath child(String segment) {
        var longer = new ArrayList<>(segments);
        longer.add(segment);
        return new EntryPath(longer);
    }

    /** This path under a directory on disk. Safe by construction: no segment climbs or is absolute. */
    Path resolveIn(Path directory) {
        Path result = directory;
        for (String segment : segments) {
            result = result.resolve(segment);
        }
        return result;
    }

    @Override
    public String toString() {
        return String.join("/", segments);
    }
}
