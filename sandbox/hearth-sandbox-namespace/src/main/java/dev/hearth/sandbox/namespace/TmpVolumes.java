package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.threads.HearthThreads;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disk-backed, size-limited {@code /tmp} file systems, one per sandbox, as Lambda's ephemeral
 * storage is separate from the function's memory: a sparse file of a little more than
 * {@code ephemeralStorageMb} (room for ext4's own tables), formatted ext4 without a journal and
 * loop-mounted {@code nosuid,nodev} on the host under this object's directory, with the free blocks
 * beyond exactly {@code ephemeralStorageMb} MiB reserved for root; bubblewrap binds the mount at
 * {@code /tmp}. The sandbox's user writes exactly that much; beyond, {@code ENOSPC}. Its pages are page cache of
 * the writer's memory cgroup, which the kernel reclaims by writing them back: a 128 MB sandbox can
 * fill a 512 MB {@code /tmp} without being OOM-killed. A volume's blocks take host disk only as they
 * are written, and are freed when the volume is {@linkplain #release released}.
 *
 * <p>Making one costs ~50–100 ms (truncate, {@code mkfs.ext4}, {@code mount}, measured on a
 * 2-vCPU Firecracker guest), so it is kept off the cold-start path: {@link StemCells} mount theirs
 * when they are built, and {@link #take} hands out a spare made ahead of need for the
 * {@link #MAX_SIZES} most recently asked sizes, {@code spares} each, making one at once only when
 * none is ready. Needs root (mount); a backend not running as root keeps a tmpfs {@code /tmp}.
 *
 * <p>Threading: thread-safe; spares are made on virtual threads. A Hearth that dies leaves its
 * volumes mounted; the next instance over the same directory unmounts and deletes them.
 */
final class TmpVolumes implements AutoCloseable {

    /** One mounted volume: its mount point (bound at {@code /tmp}) and its image file. */
    record TmpVolume(Path mountPoint, Path image, long sizeMb) {}

    /** How many sizes have spares at once. */
    static final int MAX_SIZES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(TmpVolumes.class);
    private static final Duration COMMAND_WAIT = Duration.ofSeconds(60);
    /** How long {@link #close} waits for spares being made. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    private static final List<Path> DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"),
            Path.of("/bin"));
    private static final AtomicLong NAMES = new AtomicLong();

    private final Path directory;
    private final Path mkfs;
    private final Path mount;
    private final Path umount;
    private final Path tune2fs;
    private final int spares;
    /** Spares by size, in order of last use (oldest first). Guarded by {@code this}. */
    private final LinkedHashMap<Long, ConcurrentLinkedQueue<TmpVolume>> ready = new LinkedHashMap<>(8, 0.75f, true);
    private final LinkedHashMap<Long, Integer> making = new LinkedHashMap<>();
    private boolean closed;

    private TmpVolumes(Path directory, Path mkfs, Path mount, Path umount, Path tune2fs, int spares) {
        this.directory = directory;
        this.mkfs = mkfs;
        this.mount = mount;
        this.umount = umount;
        this.tune2fs = tune2fs;
        this.spares = spares;
    }

    /**
     * Volumes under {@code directory} (created if missing; leftovers of an earlier instance are
     * unmounted and deleted), or empty when Hearth is not root or {@code mkfs.ext4}, {@code tune2fs},
     * {@code mount} or {@code umount} is missing (the caller then gives sandboxes a tmpfs).
     *
     * @param spares volumes kept ready per size (0: made at {@link #take})
     */
    static Optional<TmpVolumes> open(Path directory, boolean hearthIsRoot, int spares) throws IOException {
        Optional<Path> mkfs = tool("mkfs.ext4");
        Optional<Path> mount = tool("mount");
        Optional<Path> umount = tool("umount");
        Optional<Path> tune2fs = tool("tune2fs");
        if (!hearthIsRoot || mkfs.isEmpty() || mount.isEmpty() || umount.isEmpty() || tune2fs.isEmpty()) {
            LOG.info("namespace backend: /tmp of sandboxes is a tmpfs counted against their memory ({})",
                    hearthIsRoot ? "install e2fsprogs and mount for disk-backed /tmp" : "Hearth is not root");
            return Optional.empty();
        }
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        TmpVolumes volumes = new TmpVolumes(directory, mkfs.get(), mount.get(), umount.get(), tune2fs.get(), spares);
        volumes.removeLeftovers();
        return Optional.of(volumes);
    }

    /** Bytes of the image for a volume with more than {@code sizeMb} MiB free (ext4's tables take ~3.5%). */
    static long imageBytes(long sizeMb) {
        return (sizeMb + sizeMb / 16 + 8) * 1024L * 1024L;
    }

    /**
     * A mounted, empty volume of {@code sizeMb}, owned by the caller until {@link #release}: a spare
     * if one is ready, else made now. Starts making a replacement spare in the background.
     */
    TmpVolume take(long sizeMb) throws IOException {
        ConcurrentLinkedQueue<TmpVolume> spare;
        List<TmpVolume> evicted = new ArrayList<>();
        synchronized (this) {
            spare = ready.computeIfAbsent(sizeMb, k -> new ConcurrentLinkedQueue<>());
            while (ready.size() > MAX_SIZES) {
                Long oldest = ready.keySet().iterator().next();
                evicted.addAll(ready.remove(oldest));
            }
        }
        evicted.forEach(volume -> HearthThreads.startVirtual("namespace-tmp-release", () -> release(volume)));
        TmpVolume volume = spare.poll();
        fill(sizeMb);
        return volume != null ? volume : fresh(sizeMb);
    }

    /** Unmounts {@code volume} and deletes its image (its sandbox has ended). Logs failures. */
    void release(TmpVolume volume) {
        try {
            Path parent = volume.mountPoint().getParent();
            if (mounted(volume.mountPoint())) {
                try {
                    run(List.of(umount.toString(), volume.mountPoint().toString()));
                } catch (IOException busy) {
                    run(List.of(umount.toString(), "-l", volume.mountPoint().toString()));
                }
            }
            deleteTree(parent);
        } catch (IOException e) {
            LOG.warn("cannot release the /tmp volume {}", volume.mountPoint(), e);
        }
    }

    /**
     * Releases every spare, and waits (up to {@link #CLOSE_WAIT}) for spares still being made, which
     * release themselves: once this returns no spare is mounted. Idempotent; volumes taken stay with
     * their takers.
     */
    @Override
    public void close() {
        List<TmpVolume> spareVolumes = new ArrayList<>();
        synchronized (this) {
            closed = true;
            ready.values().forEach(spareVolumes::addAll);
            ready.clear();
        }
        spareVolumes.forEach(this::release);
        synchronized (this) {
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            while (making.values().stream().anyMatch(inFlight -> inFlight > 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("namespace backend: spare /tmp volumes still being made after {}; they release themselves", CLOSE_WAIT);
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** How many spares of {@code sizeMb} are ready now (for tests). */
    synchronized int spares(long sizeMb) {
        ConcurrentLinkedQueue<TmpVolume> spare = ready.get(sizeMb);
        return spare == null ? 0 : spare.size();
    }

    private synchronized void fill(long sizeMb) {
        ConcurrentLinkedQueue<TmpVolume> spare = ready.get(sizeMb);
        if (spare == null) {
            return;
        }
        int inFlight = making.getOrDefault(sizeMb, 0);
        while (!closed && spare.size() + inFlight < spares) {
            inFlight++;
            HearthThreads.startVirtual("namespace-tmp-spare", () -> makeSpare(sizeMb));
        }
        making.put(sizeMb, inFlight);
    }

    private void makeSpare(long sizeMb) {
        try {
            TmpVolume volume;
            try {
                volume = fresh(sizeMb);
            } catch (IOException e) {
                LOG.warn("namespace backend: cannot make a spare /tmp volume of {} MiB", sizeMb, e);
                return;
            }
            synchronized (this) {
                ConcurrentLinkedQueue<TmpVolume> spare = ready.get(sizeMb);
                if (!closed && spare != null) {
                    spare.add(volume);
                    return;
                }
            }
            release(volume); // made after close() or for a size evicted meanwhile
        } finally {
            synchronized (this) {
                making.merge(sizeMb, -1, Integer::sum);
                notifyAll(); // close() waits for spares being made
            }
        }
    }

    /**
     * A volume made now, not from the spares (for {@link StemCells}, which are themselves made ahead
     * of need): creates the sparse image, formats it and mounts it with mode 1777 at its root.
     */
    TmpVolume fresh(long sizeMb) throws IOException {
        Path home = directory.resolve(Long.toString(NAMES.incrementAndGet()));
        Path image = home.resolve("image");
        Path mountPoint = home.resolve("mnt");
        Files.createDirectories(mountPoint);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(mountPoint, PosixFilePermissions.fromString("rwx--x--x"));
        try {
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(imageBytes(sizeMb));
            }
            Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-------"));
            run(List.of(mkfs.toString(), "-q", "-F", "-T", "default", "-m", "0", "-O", "^has_journal,^resize_inode",
                    "-E", "lazy_itable_init=1,nodiscard,root_owner=0:0", image.toString()));
            run(List.of(mount.toString(), "-o", "loop,nosuid,nodev,noatime", image.toString(), mountPoint.toString()));
            limitTo(mountPoint, sizeMb);
            Files.setAttribute(mountPoint, "unix:mode", 01777);
            Files.deleteIfExists(mountPoint.resolve("lost+found"));
        } catch (IOException | RuntimeException e) {
            release(new TmpVolume(mountPoint, image, sizeMb));
            throw e;
        }
        return new TmpVolume(mountPoint, image, sizeMb);
    }

    /**
     * Makes exactly {@code sizeMb} MiB available to users other than root (the sandbox's): reserves
     * the rest of the free blocks for root ({@code tune2fs -r} on the mounted loop device, which
     * the kernel's {@code statfs} and block allocator read at once).
     */
    private void limitTo(Path mountPoint, long sizeMb) throws IOException {
        FileStore store = Files.getFileStore(mountPoint);
        long blockSize = store.getBlockSize();
        long spare = store.getUsableSpace() / blockSize - sizeMb * 1024L * 1024L / blockSize;
        if (spare < 0) {
            throw new IOException("the /tmp volume at " + mountPoint + " has less than " + sizeMb + " MiB free");
        }
        run(List.of(tune2fs.toString(), "-r", Long.toString(spare), source(mountPoint)));
    }

    /** The device mounted at {@code mountPoint} (field after the separator in {@code /proc/self/mountinfo}). */
    private static String source(Path mountPoint) throws IOException {
        String point = mountPoint.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), UTF_8)) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length > 4 && fields[4].equals(point) && separator > 0 && fields.length > separator + 2) {
                return fields[separator + 2];
            }
        }
        throw new IOException("nothing is mounted at " + point);
    }

    /** Unmounts whatever is mounted under the directory (from a Hearth that died) and deletes its contents. */
    private void removeLeftovers() throws IOException {
        for (Path leftover : mountsUnder(directory)) {
            try {
                run(List.of(umount.toString(), "-l", leftover.toString()));
            } catch (IOException e) {
                LOG.warn("cannot unmount the leftover /tmp volume {}", leftover, e);
            }
        }
        try (Stream<Path> leftovers = Files.list(directory)) {
            for (Path leftover : leftovers.toList()) {
                deleteTree(leftover);
            }
        }
    }

    private static boolean mounted(Path mountPoint) throws IOException {
        return mountsUnder(mountPoint).contains(mountPoint.toAbsolutePath().normalize());
    }

    /** Mount points at or under {@code root}, from {@code /proc/self/mountinfo} (field 5). */
    private static List<Path> mountsUnder(Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                Path point = Path.of(fields[4].replace("\\040", " "));
                if (point.startsWith(base)) {
                    found.add(point);
                }
            }
        }
        return found;
    }

    private static void run(List<String> argv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(BwrapCommand.HOST_ENVIRONMENT);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
        try {
            if (!process.waitFor(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(argv.getFirst() + " did not finish within " + COMMAND_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + argv.getFirst(), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (" + process.exitValue() + "): " + output);
        }
    }

    private static Optional<Path> tool(String name) {
        return DIRECTORIES.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
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
