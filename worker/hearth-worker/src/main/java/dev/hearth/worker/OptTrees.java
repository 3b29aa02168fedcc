package dev.hearth.worker;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merged {@code /opt} trees of the worker's sandboxes: one directory per distinct layer list,
 * built once and shared by every sandbox of every function with that list, and deleted by
 * {@link #deleteUnusedSince} once no sandbox has used it for a while ({@link #KEPT_UNUSED} in the
 * worker's housekeeping), so that the next cold start of a function whose sandboxes were all reaped
 * does not build it again. A tree holds each layer's entries in the list's order, a later
 * layer's entry replacing an earlier one of the same path (Lambda extracts layers into
 * {@code /opt} in order, later layers overriding earlier files). Regular files are hard links to the
 * layer's own files (copies only where the layer directory lies on another file system), so a tree
 * costs directory entries, never the layer's bytes; symbolic links are recreated as links with the
 * same target and never followed, so a link cannot make the merge read or write outside the layers
 * and the tree. The layer directories are read, never changed.
 *
 * <p>Threading: thread-safe; concurrent {@link #acquire}s of one list build it once (the others
 * wait for that build). Ownership: the trees under {@link #root()} are this object's; each
 * {@link Lease} must be released exactly once (a second release is ignored).
 */
final class OptTrees implements AutoCloseable {
    /** How long the worker keeps a tree no sandbox uses. */
    static final Duration KEPT_UNUSED = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(OptTrees.class);
    private static final AtomicLong BUILDS = new AtomicLong();

    private final Path root;
    private final InstantSource clock;
    /** Trees by key (the hash of the layer list). Guarded by {@code this}. */
    private final Map<String, Tree> trees = new HashMap<>();
    private boolean closed;

    /** One shared tree: its directory, its users, whether it has been built, and since when it is unused. */
    private static final class Tree {
        final Path directory;
        int users;
        /** Set under the tree's own lock, read under the trees' lock. */
        volatile boolean built;
        Instant unusedSince;

        Tree(Path directory) {
            this.directory = directory;
        }
    }

    /** One user's hold on a tree; {@link #release()} lets go (the tree stays until {@link #deleteUnusedSince}). */
    final class Lease {
        private final String key;
        private final Tree tree;
        private boolean released;

        private Lease(String key, Tree tree) {
            this.key = key;
            this.tree = tree;
        }

        /** The merged tree: the host directory to show read-only at {@code /opt}. */
        Path directory() {
            return tree.directory;
        }

        /** Lets go of the tree (kept, unused, until {@link #deleteUnusedSince}); idempotent. */
        void release() {
            synchronized (OptTrees.this) {
                if (released) {
                    return;
                }
                released = true;
                tree.users--;
                if (tree.users > 0 || trees.get(key) != tree) {
                    return;
                }
                if (tree.built) {
                    tree.unusedSince = clock.instant();
                    return;
                }
                trees.remove(key); // its build failed: nothing worth keeping
            }
            deleteTree(tree.directory);
        }
    }

    /**
     * @param root directory the trees are made in (created, world-searchable: sandbox users bind or
     *     read from it); whatever is in it is left over from an earlier worker and deleted
     * @param clock tells since when a tree is unused
     */
    OptTrees(Path root, InstantSource clock) {
        this.root = root;
        this.clock = clock;
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (Stream<Path> leftovers = Files.list(root)) {
                leftovers.forEach(OptTrees::deleteTree);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the layers' directory " + root, e);
        }
    }

    /** The directory the trees are made in. */
    Path root() {
        return root;
    }

    /**
     * A hold on the merged tree of {@code layers} (host directories, in the function's order),
     * building it unless it exists (held or kept unused).
     *
     * @throws IOException when a layer directory cannot be read or the tree cannot be built (nothing
     *     is held then)
     * @throws IllegalArgumentException when {@code layers} is empty (no tree: {@code /opt} is empty)
     */
    Lease acquire(List<Path> layers) throws IOException {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no layers: no tree to hold");
        }
        String key = key(layers);
        Tree tree;
        synchronized (this) {
            if (closed) {
                throw new IOException("the worker is closing");
            }
            // each tree its own directory: one being deleted never collides with its successor's build
            tree = trees.computeIfAbsent(key, k -> new Tree(root.resolve(k + "-" + BUILDS.incrementAndGet())));
            tree.users++;
            tree.unusedSince = null;
        }
        Lease lease = new Lease(key, tree);
        try {
            synchronized (tree) {
                if (!tree.built) {
                    build(layers, tree.directory);
                    tree.built = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            lease.release();
            throw e;
        }
        return lease;
    }

    /** Deletes the trees no sandbox has used since {@code cutoff} or earlier; returns how many. */
    int deleteUnusedSince(Instant cutoff) {
        List<Tree> unused = new ArrayList<>();
        synchronized (this) {
            trees.values().removeIf(tree -> {
                boolean old = tree.users == 0 && tree.unusedSince != null && !tree.unusedSince.isAfter(cutoff);
                if (old) {
                    unused.add(tree);
                }
                return old;
            });
        }
        unused.forEach(tree -> deleteTree(tree.directory));
        return unused.size();
    }

    /** How many trees exist now (for tests and diagnostics). */
    synchronized int size() {
        return trees.size();
    }

    /** Deletes every tree; later acquires fail. Sandboxes must have ended first. */
    @Override
    public void close() {
        List<Tree> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(trees.values());
            trees.clear();
        }
        all.forEach(tree -> deleteTree(tree.directory));
    }

    private static String key(List<Path> layers) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        for (Path layer : layers) {
            digest.update(layer.toAbsolutePath().normalize().toString().getBytes(UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    }

    /** Builds the merge of {@code layers} in a fresh directory, then renames it to {@code target}. */
    private void build(List<Path> layers, Path target) throws IOException {
        Path building = root.resolve(".building-" + BUILDS.incrementAndGet());
        try {
            Files.createDirectory(building);
            Files.setPosixFilePermissions(building, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (Path layer : layers) {
                if (!Files.isDirectory(layer, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("layer directory " + layer + " is missing or not a directory");
                }
                merge(layer, building);
            }
            deleteTree(target);
            Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(building);
        }
    }

    /** Adds {@code layer}'s entries to {@code tree}, replacing entries of the same path. */
    private static void merge(Path layer, Path tree) throws IOException {
        Files.walkFileTree(layer, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path copy = tree.resolve(layer.relativize(dir).toString());
                if (!dir.equals(layer)) {
                    if (!Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)) {
                        deleteTree(copy);
                        Files.createDirectory(copy);
                    }
                    // the layer's mode, but always writable by the worker (which adds later layers'
                    // entries and deletes the tree); sandboxes see it through read-only mounts
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                    permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE));
                    Files.setPosixFilePermissions(copy, permissions);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path entry = tree.resolve(layer.relativize(file).toString());
                if (!attributes.isSymbolicLink() && !attributes.isRegularFile()) {
                    return FileVisitResult.CONTINUE; // devices, fifos, sockets: never part of a layer
                }
                deleteTree(entry);
                if (attributes.isSymbolicLink()) {
                    Files.createSymbolicLink(entry, Files.readSymbolicLink(file));
                } else {
                    link(file, entry);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void link(Path file, Path entry) throws IOException {
        try {
            Files.createLink(entry, file);
        } catch (FileSystemException | UnsupportedOperationException notLinkable) {
            // another file system (EXDEV), or hard links refused (protected_hardlinks): copy this one
            Files.copy(file, entry, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Deletes {@code path} (a tree, file or link; links are deleted, never followed); logs failures. */
    private static void deleteTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                    if (permissions.add(PosixFilePermission.OWNER_WRITE) | permissions.add(PosixFilePermission.OWNER_EXECUTE)) {
                        Files.setPosixFilePermissions(dir, permissions); // a backend made it read-only
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                    if (failure instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted meanwhile (a release and a close at once)
                    }
                    throw failure;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null && !(failure instanceof NoSuchFileException)) {
                        throw failure;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            LOG.trace("already deleted: {}", gone.getFile());
        } catch (IOException e) {
            LOG.warn("cannot delete layers' tree {}", path, e);
        }
    }
}
