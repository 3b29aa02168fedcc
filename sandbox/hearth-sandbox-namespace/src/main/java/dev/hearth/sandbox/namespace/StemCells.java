package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.cgroups.CgroupHierarchy;
import dev.hearth.sandbox.cgroups.SandboxCgroup;
import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes built ahead of need, before the function is known (OpenWhisk's "stem cell" containers):
 * namespaces, mounts, seccomp, slirp4netns and the Runtime API forwarder listening on
 * {@code 127.0.0.1:9001}, in a cgroup of their own, with the {@link RuntimeApiLauncher} waiting on
 * stdin for the runtime's command and environment. A cell is made for one {@link Key} — what
 * bubblewrap fixes at start: the runtime root, the {@code /tmp} size, network access and the layers'
 * tree bound at {@code /opt} (the worker shares one tree per layer list, so functions with the same
 * layers share cells, and a cell's {@code /opt} costs its launch nothing).
 *
 * <p>What a function adds comes in through two directories of the cell, bind-mounted read-only when
 * it was built: {@code task/} at {@code /var/task}, into which {@link #claim} hard-links the
 * function's code tree, and {@code run/} at {@code /run/hearth}, into which it hard-links the
 * worker's Runtime API socket. A cold start that finds a cell thus skips the whole sandbox set-up:
 * what is left is writing the limits into the cell's cgroup and the interpreter's own start.
 * Code trees of more than {@link #MAX_LINKED_ENTRIES} entries, or on another file system, are not
 * linked (the caller launches afresh; the cell stays for the next launch).
 *
 * <p>Cells are kept for the {@link #MAX_KEYS} most recently launched keys, {@code perKey} of each;
 * a key is filled after each launch of it ({@link #fill}), once that launch's sandbox has settled. A cell's directory is deleted when its
 * sandbox has ended ({@link #release}). Cells are not counted by Hearth's host capacity (a few MiB
 * each: bubblewrap, perl, slirp4netns).
 *
 * <p>Threading: thread-safe; cells are built on virtual threads. {@link #take} never waits.
 */
final class StemCells implements AutoCloseable {

    /** What bubblewrap fixes when a cell is built; {@code optRoot} is bound at {@code /opt} (empty: no {@code /opt}). */
    record Key(Path runtimeRoot, long ephemeralStorageMb, boolean networkAccess, Optional<Path> optRoot) {
        /** A key without layers. */
        Key(Path runtimeRoot, long ephemeralStorageMb, boolean networkAccess) {
            this(runtimeRoot, ephemeralStorageMb, networkAccess, Optional.empty());
        }
    }

    /**
     * One built cell: its directory, its launch process (stdin still open), its cgroup, with
     * network access the network (and outbound rules) it was built with, and its own fresh
     * {@code /tmp} volume (empty: a tmpfs) and host uid (empty: the sandbox user's).
     */
    record Cell(Key key, Path directory, Process process, SandboxCgroup cgroup, Optional<SandboxNetwork> network,
            Optional<TmpVolumes.TmpVolume> tmp, OptionalInt hostUid) {
        Path task() {
            return directory.resolve("task");
        }

        Path run() {
            return directory.resolve("run");
        }
    }

    /** Largest code tree (files, directories and links) hard-linked into a cell. */
    static final int MAX_LINKED_ENTRIES = 2_000;
    /** How many keys have cells at once. */
    static final int MAX_KEYS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(StemCells.class);
    private static final Duration DISCARD_WAIT = Duration.ofSeconds(10);
    /** Cell cgroups are named {@code _cell-<hearth pid>-<n>}; sandbox ids cannot start with {@code _}. */
    static final String PREFIX = "_cell-";
    private static final AtomicLong NAMES = new AtomicLong();

    private final CgroupHierarchy cgroups;
    private final Path directory;
    private final int perKey;
    private final CellBuilder builder;
    private final Optional<TmpVolumes> volumes;
    private final Optional<SandboxUids> uids;
    /** Cells by key, in order of the keys' last launch (oldest first). Guarded by {@code this}. */
    private final LinkedHashMap<Key, ConcurrentLinkedQueue<Cell>> cells = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Key, Integer> starting = new LinkedHashMap<>();
    private boolean failed;
    private boolean closed;
    /** Builds and discards running on their own threads; {@link #close} waits for them. Guarded by {@code this}. */
    private int background;

    /** Builds the argv (steps 2 to 5) and the launch process of a cell. */
    interface CellBuilder {
        /**
         * The sandbox argv for a cell of {@code key} whose directories are {@code task} and {@code run}
         * and whose {@code /tmp} is the mounted volume {@code tmp} (empty: a tmpfs), running as host
         * uid {@code hostUid} (empty: the sandbox user's).
         */
        List<String> sandbox(Key key, Path task, Path run, Optional<Path> tmp, OptionalInt hostUid) throws IOException;

        /** Starts a launch process in {@code cgroup} (step 1). */
        Process start(SandboxCgroup cgroup) throws IOException;

        /** The outbound network of a cell with network access, made now (it holds the host's current addresses). */
        SandboxNetwork network();
    }

    /**
     * @param directory where cell directories are made (created if missing, world-searchable: the
     *     sandbox user binds from it)
     * @param perKey cells kept per key (0: none)
     * @param volumes where each cell's own {@code /tmp} volume comes from, made when the cell is built;
     *     empty: cells get a tmpfs
     * @param uids where each cell's own host uid comes from; empty: cells run as the sandbox user
     */
    StemCells(CgroupHierarchy cgroups, Path directory, int perKey, CellBuilder builder, Optional<TmpVolumes> volumes,
            Optional<SandboxUids> uids) throws IOException {
        this.cgroups = cgroups;
        this.directory = directory;
        this.perKey = perKey;
        this.builder = builder;
        this.volumes = volumes;
        this.uids = uids;
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        deleteLeftovers();
    }

    /**
     * A built cell of {@code key}, alive (and, with network access, refusing the host's current
     * addresses) when handed out; empty when none is ready. Does not refill: the caller calls
     * {@link #fill} once the sandbox it launched has settled, so that building cells never competes
     * for the CPU with the start it is meant to speed up.
     */
    Optional<Cell> take(Key key) {
        if (perKey == 0) {
            return Optional.empty();
        }
        ConcurrentLinkedQueue<Cell> ready;
        List<Cell> evicted = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return Optional.empty();
            }
            ready = cells.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
            while (cells.size() > MAX_KEYS) {
                Key oldest = cells.keySet().iterator().next();
                cells.remove(oldest).forEach(evicted::add);
            }
        }
        evicted.forEach(this::discardLater);
        for (Cell cell = ready.poll(); cell != null; cell = ready.poll()) {
            if (!cell.process().isAlive()) {
                LOG.warn("stem cell {} died before it was used; discarded", cell.directory());
            } else if (!cell.network().map(SandboxNetwork::current).orElse(true)) {
                LOG.info("stem cell {} refuses the host's addresses of before they changed; discarded", cell.directory());
            } else {
                return Optional.of(cell);
            }
            discardLater(cell);
        }
        return Optional.empty();
    }

    /**
     * Makes {@code cell} the sandbox of a function: hard-links {@code codeTree} into its task
     * directory and {@code socket} into its run directory. False (and nothing linked) when the tree
     * is too big or cannot be linked; the cell may then be {@link #putBack}.
     */
    boolean claim(Cell cell, Path codeTree, Path socket) {
        try {
            if (!linkTree(codeTree, cell.task())) {
                clear(cell.task());
                return false;
            }
            Files.createLink(cell.run().resolve("runtime-api.sock"), socket);
            return true;
        } catch (IOException e) {
            LOG.debug("cannot link {} into stem cell {}: {}", codeTree, cell.directory(), e.toString());
            try {
                clear(cell.task());
                clear(cell.run());
            } catch (IOException cleanup) {
                LOG.warn("stem cell {} not reusable; discarded", cell.directory(), cleanup);
                discardLater(cell);
                return false;
            }
            return false;
        }
    }

    /** Returns an unclaimed cell (its directories empty) for the next launch of its key. */
    void putBack(Cell cell) {
        synchronized (this) {
            ConcurrentLinkedQueue<Cell> ready = cells.get(cell.key());
            if (!closed && ready != null) {
                ready.add(cell);
                return;
            }
        }
        discardLater(cell);
    }

    /** Releases the {@code /tmp} volume and deletes the directory of a cell whose sandbox has ended. */
    void release(Cell cell) {
        cell.tmp().ifPresent(tmp -> volumes.orElseThrow().release(tmp));
        cell.hostUid().ifPresent(uid -> uids.orElseThrow().release(uid));
        try {
            deleteTree(cell.directory());
        } catch (IOException e) {
            LOG.warn("cannot delete stem cell directory {}", cell.directory(), e);
        }
    }

    /** How many cells of {@code key} are ready now (for tests and diagnostics). */
    synchronized int ready(Key key) {
        ConcurrentLinkedQueue<Cell> ready = cells.get(key);
        return ready == null ? 0 : ready.size();
    }

    /** Kills every unused cell and removes its cgroup and directory; waits (up to 10 s each). Idempotent. */
    @Override
    public void close() {
        List<Cell> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            cells.values().forEach(all::addAll);
            cells.clear();
        }
        all.forEach(this::discard);
        awaitBackground();
    }

    /**
     * Waits (bounded) until no build or discard is running, so that when {@link #close} returns no
     * cell process, cgroup or directory is still being made or removed behind the caller's back.
     */
    private synchronized void awaitBackground() {
        long deadline = System.nanoTime() + DISCARD_WAIT.multipliedBy(3).toNanos();
        try {
            for (long left = deadline - System.nanoTime(); background > 0 && left > 0; left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (background > 0) {
            LOG.warn("{} stem cell builds or discards still running after close", background);
        }
    }

    /** Runs {@code task} on a virtual thread of its own, counted until it ends. */
    private synchronized void inBackground(String role, Runnable task) {
        background++;
        HearthThreads.startVirtual(role, () -> {
            try {
                task.run();
            } finally {
                synchronized (this) {
                    background--;
                    notifyAll();
                }
            }
        });
    }

    /** Starts building cells of {@code key} (one recently taken) until {@code perKey} are ready or being built. */
    synchronized void fill(Key key) {
        ConcurrentLinkedQueue<Cell> ready = cells.get(key);
        if (ready == null) {
            return;
        }
        int inFlight = starting.getOrDefault(key, 0);
        while (!closed && !failed && ready.size() + inFlight < perKey) {
            inFlight++;
            inBackground("namespace-stem-cell", () -> startOne(key));
        }
        starting.put(key, inFlight);
    }

    private void startOne(Key key) {
        Path cellDir = directory.resolve(Long.toString(NAMES.incrementAndGet()));
        SandboxCgroup cgroup = null;
        Optional<TmpVolumes.TmpVolume> tmp = Optional.empty();
        OptionalInt hostUid = OptionalInt.empty();
        Cell cell = null;
        try {
            Files.createDirectories(cellDir.resolve("task"));
            Files.createDirectories(cellDir.resolve("run"));
            for (Path dir : List.of(cellDir, cellDir.resolve("task"), cellDir.resolve("run"))) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            cgroup = cgroups.createUnlimited(PREFIX + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
            Optional<SandboxNetwork> network = key.networkAccess() ? Optional.of(builder.network()) : Optional.empty();
            if (volumes.isPresent()) {
                tmp = Optional.of(volumes.get().fresh(key.ephemeralStorageMb()));
            }
            if (uids.isPresent()) {
                hostUid = OptionalInt.of(uids.get().allocate());
            }
            byte[] request = LaunchProgram.request(network, builder.sandbox(key, cellDir.resolve("task"),
                    cellDir.resolve("run"), tmp.map(TmpVolumes.TmpVolume::mountPoint), hostUid));
            Process process = builder.start(cgroup);
            cell = new Cell(key, cellDir, process, cgroup, network, tmp, hostUid);
            OutputStream stdin = process.getOutputStream();
            stdin.write(request);
            stdin.flush();
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                failed = true;
            }
            LOG.warn("namespace backend: cannot build a stem cell; launching without them", e);
            if (cell != null) {
                discard(cell);
            } else {
                tmp.ifPresent(volume -> volumes.orElseThrow().release(volume));
                hostUid.ifPresent(uid -> uids.orElseThrow().release(uid));
                removeQuietly(cgroup, cellDir);
            }
            return;
        } finally {
            synchronized (this) {
                starting.merge(key, -1, Integer::sum);
            }
        }
        putBack(cell);
    }

    private void discardLater(Cell cell) {
        inBackground("namespace-stem-cell-discard", () -> discard(cell));
    }

    private void discard(Cell cell) {
        cell.process().toHandle().destroyForcibly();
        try {
            cell.process().getOutputStream().close();
            cell.cgroup().killUntilEmpty(DISCARD_WAIT);
            cell.cgroup().removeWithin(DISCARD_WAIT);
        } catch (IOException e) {
            LOG.error("cannot end stem cell {} in {}", cell.directory(), cell.cgroup(), e);
        }
        release(cell);
    }

    private static void removeQuietly(SandboxCgroup cgroup, Path cellDir) {
        try {
            if (cgroup != null) {
                cgroup.remove();
            }
            deleteTree(cellDir);
        } catch (IOException e) {
            LOG.error("cannot remove stem cell {}", cellDir, e);
        }
    }

    /** Cell directories of a Hearth that died (their sandboxes died with it). */
    private void deleteLeftovers() throws IOException {
        try (Stream<Path> leftovers = Files.list(directory)) {
            for (Path leftover : leftovers.toList()) {
                deleteTree(leftover);
            }
        }
    }

    /**
     * Hard-links every file of {@code source} into {@code target} (an empty directory), recreating
     * directories (with their permissions) and symbolic links; false when the tree has more than
     * {@link #MAX_LINKED_ENTRIES} entries or holds anything else.
     */
    static boolean linkTree(Path source, Path target) throws IOException {
        try (Stream<Path> entries = Files.walk(source)) {
            if (entries.limit(MAX_LINKED_ENTRIES + 1L).count() > MAX_LINKED_ENTRIES) {
                return false;
            }
        }
        boolean[] linkable = {true};
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                if (!dir.equals(source)) {
                    Files.createDirectory(copy);
                }
                Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path link = target.resolve(source.relativize(file).toString());
                if (attributes.isSymbolicLink()) {
                    Files.createSymbolicLink(link, Files.readSymbolicLink(file));
                } else if (attributes.isRegularFile()) {
                    Files.createLink(link, file);
                } else {
                    linkable[0] = false;
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return linkable[0];
    }

    /** Empties {@code dir}, keeping it. */
    private static void clear(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                deleteTree(entry);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
