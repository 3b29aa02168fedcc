package dev.hearth.packages;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * The shape of a package, planned from the zip's central directory before anything is written: which
 * paths are directories, files and symbolic links. Building it enforces the structural rules:
 *
 * <ul>
 *   <li>Duplicate entries: a path may be named by several directory entries (harmless), but a file or
 *       link path named twice, or named both as a directory and as something else, rejects the
 *       package. Hearth never lets "the last one win": what runs is exactly what the zip shows once.
 *   <li>Nothing may sit inside a file or inside a symbolic link: an entry {@code link/x} after (or
 *       before) an entry {@code link} that is a link would be written through the link.
 * </ul>
 *
 * <p>Directories implied by deeper entries are added without an entry of their own. Iteration order
 * puts every directory before anything inside it. Not thread-safe; used by one extraction.
 */
final class PackageTree {
    /** One path of the package. */
    sealed interface Node permits Directory, RegularFile, Symlink {
        EntryPath path();
    }

    /** A directory; {@code entry} is empty when only implied by deeper entries. */
    record Directory(EntryPath path, Optional<ZipArchiveEntry> entry) implements Node {}

    /** A regular file with its data in {@code entry}; {@code executable} if any unix execute bit is set. */
    record RegularFile(EntryPath path, ZipArchiveEntry entry, boolean executable) implements Node {}

    /** A symbolic link whose target is the data of {@code entry}. */
    record Symlink(EntryPath path, ZipArchiveEntry entry) implements Node {}

    private final Map<EntryPath, Node> nodes = new LinkedHashMap<>();

    PackageTree() {
        nodes.put(EntryPath.root(), new Directory(EntryPath.root(), Optional.empty()));
    }

    /**
     * Adds a node for {@code entry}, creating implied parent directories.
     *
     * @throws dev.hearth.core.LambdaException if the node conflicts with what is already planned
     */
    void add(Node node, String entryName) {
        EntryPath parent = node.path().parent().orElseThrow(
                () -> new IllegalArgumentException("the package root cannot be added: " + entryName));
        ensureDirectory(parent, entryName);
        Node existing = nodes.get(node.path());
        if (existing == null) {
            nodes.put(node.path(), node);
            return;
        }
        switch (existing) {
            case Directory existingDirectory -> {
                switch (node) {
                    case Directory added -> {
                        if (existingDirectory.entry().isEmpty()) {
                            nodes.put(node.path(), added);
                        }
                    }
                    case RegularFile _, Symlink _ ->
                        throw PackageRejections.badEntry(entryName, "is also a directory of the package");
                }
            }
            case RegularFile _, Symlink _ ->
                throw PackageRejections.badEntry(entryName, "appears more than once in the package");
        }
    }

    private void ensureDirectory(EntryPath directory, String entryName) {
        Node existing = nodes.get(directory);
        if (existing == null) {
            ensureDirectory(directory.parent().orElseThrow(), entryName);
            nodes.put(directory, new Directory(directory, Optional.empty()));
            return;
        }
        switch (existing) {
            case Directory _ -> {}
            case RegularFile _ -> throw PackageRejections.badEntry(
                    entryName, "is inside '" + directory + "', which is a file of the package");
            case Symlink _ -> throw PackageRejections.badEntry(
                    entryName, "is inside '" + directory + "', which is a symbolic link; entries may not be written through links");
        }
    }

    /** The node at {@code path}, if planned. */
    Optional<Node> get(EntryPath path) {
        return Optional.ofNullable(nodes.get(path));
    }

    /** Every node, each directory before its contents, starting with the root. */
    Collection<Node> nodes() {
        return nodes.values();
    }
}
