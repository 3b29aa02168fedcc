package dev.hearth.packages;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lambda's code storage: a content-addressed store of function packages in one directory on local
 * disk. Each package is kept under the SHA-256 of its zip, as the original zip and as the extracted,
 * read-only tree that sandboxes run (see {@link StoreLayout} for the layout).
 *
 * <p><b>Threading.</b> Thread-safe. Puts and deletes of different packages run in parallel; those of
 * the same package are serialised. Lookups take no lock: a path returned by {@link #taskRoot} or
 * {@link #zipFile} stays valid until the package is deleted, which only the caller's garbage
 * collection decides.
 *
 * <p><b>Ownership.</b> One open store per directory: {@link #open} takes an exclusive file lock on
 * the directory and fails if another store (in this or another process) holds it; {@link #close}
 * releases it. After close every method throws {@link IllegalStateException}.
 *
 * <p><b>Failure.</b> A package the client got wrong is refused with a
 * {@link dev.hearth.core.LambdaException} (Lambda's type and wording) and leaves nothing behind.
 * Failures of the store's own disk are {@link UncheckedIOException}s. Packages are written in a
 * staging directory and renamed into place atomically, so a crash (even {@code kill -9}) never leaves a
 * partial package visible; leftovers are removed by the next {@link #open}. The zip and metadata are
 * forced to disk before the rename; the extracted files are not (a power loss may need the package
 * to be put again, a process crash does not).
 *
 * <p><b>Permissions.</b> Extracted trees are read-only for everyone and readable by every uid
 * (files {@code 0444}, or {@code 0555} when the zip marks them executable; directories {@code 0555});
 * the store's own directories are {@code 0755}. Sandboxes running as another uid can read a task root
 * if every directory above {@code root} lets them pass ({@code o+x}), or through a bind mount.
 */
public final class PackageStore implements AutoCloseable {
    /** How long {@link #retainOnly} spares a package after it was put, unless told otherwise. */
    public static final Duration DEFAULT_GC_GRACE_PERIOD = Duration.ofMinutes(15);

    private static final int LOCK_STRIPES = 64;

    private final StoreLayout layout;
    private final PackageLimits limits;
    private final InstantSource clock;
    private final Duration gcGracePeriod;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
    private final Map<String, Instant> lastPut = new ConcurrentHashMap<>();
    /** Operations hold the read side; close holds the write side. */
    private final ReentrantReadWriteLock openState = new ReentrantReadWriteLock();
    private boolean closed;

    private PackageStore(StoreLayout layout, PackageLimits limits, InstantSource clock, Duration gcGracePeriod,
            FileChannel lockChannel, FileLock fileLock) {
        this.layout = layout;
        this.limits = limits;
        this.clock = clock;
        this.gcGracePeriod = gcGracePeriod;
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Opens (creating if needed) the store in {@code root}, with the system clock and
     * {@link #DEFAULT_GC_GRACE_PERIOD}.
     *
     * @throws IllegalStateException if another store holds {@code root}
     * @throws UncheckedIOException if the directory cannot be prepared
     */
    public static PackageStore open(Path root, PackageLimits limits) {
        return open(root, limits, InstantSource.system(), DEFAULT_GC_GRACE_PERIOD);
    }

    /**
     * Opens (creating if needed) the store in {@code root} and removes what a crashed store left in its
     * staging and trash directories.
     *
     * @param clock tells when packages are put, for {@code gcGracePeriod}
     * @param gcGracePeriod how long {@link #retainOnly} spares a package after its last put
     * @throws IllegalStateException if another store holds {@code root}
     * @throws UncheckedIOException if the directory cannot be prepared
     */
    public static PackageStore open(Path root, PackageLimits limits, InstantSource clock, Duration gcGracePeriod) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        if (gcGracePeriod.isNegative()) {
            throw new IllegalArgumentException("gcGracePeriod must not be negative: " + gcGracePeriod);
        }
        var layout = new StoreLayout(root.toAbsolutePath());
        FileChannel channel = null;
        try {
            Files.createDirectories(layout.root());
            channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IllegalStateException("package store " + layout.root() + " is already open in this JVM", e);
            }
            if (lock == null) {
                throw new IllegalStateException("package store " + layout.root() + " is open in another process");
            }
            // Sandboxes reach their own package's tree by its path (searchable, not listable, so one
            // sandbox cannot list the others' code); staging and trash are Hearth's only.
            Files.createDirectories(layout.packages());
            Files.setPosixFilePermissions(layout.packages(), PosixFilePermissions.fromString("rwx--x--x"));
            for (Path directory : List.of(layout.staging(), layout.trash())) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            emptyDirectory(layout.staging());
            emptyDirectory(layout.trash());
            return new PackageStore(layout, limits, clock, gcGracePeriod, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open package store " + layout.root(), io);
            }
            throw (RuntimeException) e;
        }
    }

    public Path root() {
        return layout.root();
    }

    public PackageLimits limits() {
        return limits;
    }

    /**
     * Validates and stores a package; returns the stored package whether it was new or already held.
     *
     * @param zip the zip's bytes (already base64-decoded); not modified or retained
     * @throws dev.hearth.core.LambdaException {@code RequestEntityTooLargeException} if the zip is over the
     *     zipped limit; {@code InvalidParameterValueException} if it is not a readable zip, unzips to
     *     more than the unzipped limit, or holds an unsafe entry (the message names it)
     * @throws UncheckedIOException if the store's disk fails
     */
    public StoredPackage put(byte[] zip) {
        Objects.requireNonNull(zip, "zip");
        if (zip.length > limits.maxZippedBytes()) {
            throw PackageRejections.zippedTooLarge(limits.maxZippedBytes());
        }
        return put(new ByteArrayInputStream(zip), limits.maxZippedBytes());
    }

    /**
     * As {@link #put(byte[])} for a zip read from a stream (an S3 object, say), which is staged on
     * disk while it is read and hashed, never held in memory whole.
     *
     * @param zip the zip; read to its end, not closed
     * @param maxZippedBytes the most bytes the zip may have (a package from S3 may be as large as the
     *     unzipped limit, one sent inline only as the zipped limit)
     * @throws dev.hearth.core.LambdaException as {@link #put(byte[])}, and {@code
     *     RequestEntityTooLargeException} when the stream is longer than {@code maxZippedBytes}
     * @throws UncheckedIOException if reading the stream or the store's disk fails
     */
    public StoredPackage put(InputStream zip, long maxZippedBytes) {
        Objects.requireNonNull(zip, "zip");
        return whileOpen(() -> {
            Path incoming = layout.staging().resolve("incoming-" + UUID.randomUUID() + ".zip");
            try {
                long size;
                PackageDigest digest;
                try (OutputStream out = Files.newOutputStream(incoming, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    MessageDigest sha256 = PackageDigest.newSha256();
                    byte[] buffer = new byte[64 * 1024];
                    size = 0;
                    int n;
                    while ((n = zip.read(buffer)) > 0) {
                        size += n;
                        if (size > maxZippedBytes) {
                            throw PackageRejections.zippedTooLarge(maxZippedBytes);
                        }
                        sha256.update(buffer, 0, n);
                        out.write(buffer, 0, n);
                    }
                    digest = PackageDigest.of(sha256);
                }
                ReentrantLock stripe = stripeOf(digest);
                stripe.lock();
                try {
                    Optional<StoredPackage> existing = read(digest);
                    StoredPackage stored;
                    if (existing.isPresent()) {
                        stored = existing.get();
                        if (stored.unzippedSize() > limits.maxUnzippedBytes()) {
                            throw PackageRejections.unzippedTooLarge(limits.maxUnzippedBytes());
                        }
                    } else {
                        stored = write(digest, incoming, size);
                    }
                    lastPut.put(digest.hex(), clock.instant());
                    return stored;
                } finally {
                    stripe.unlock();
                }
            } finally {
                Files.deleteIfExists(incoming);
            }
        });
    }

    /** The stored package with this {@code CodeSha256}, if held. */
    public Optional<StoredPackage> find(String codeSha256) {
        PackageDigest digest = PackageDigest.fromBase64(codeSha256);
        return whileOpen(() -> read(digest));
    }

    /**
     * The original zip of a package (read-only), if held: for GetFunction's code location.
     *
     * @throws IllegalArgumentException if {@code codeSha256} is not base64 of a SHA-256
     */
    public Optional<Path> zipFile(String codeSha256) {
        return packageDirectory(codeSha256).map(StoreLayout::zipFile);
    }

    /**
     * The extracted, read-only tree of a package, if held: the function's task root.
     *
     * @throws IllegalArgumentException if {@code codeSha256} is not base64 of a SHA-256
     */
    public Optional<Path> taskRoot(String codeSha256) {
        return packageDirectory(codeSha256).map(StoreLayout::taskRoot);
    }

    /** The {@code CodeSha256} of every package held, in no particular order. */
    public Set<String> codeSha256s() {
        return whileOpen(() -> {
            Set<String> result = new HashSet<>();
            for (PackageDigest digest : listDigests()) {
                result.add(digest.base64());
            }
            return result;
        });
    }

    /**
     * Deletes a package, whoever still references it. Paths handed out for it stop working.
     *
     * @return whether the package was held
     * @throws IllegalArgumentException if {@code codeSha256} is not base64 of a SHA-256
     */
    public boolean delete(String codeSha256) {
        PackageDigest digest = PackageDigest.fromBase64(codeSha256);
        return whileOpen(() -> deleteDigest(digest, Instant.MAX));
    }

    /**
     * Garbage collection: deletes every package whose {@code CodeSha256} is not in {@code live}, except
     * packages put during the grace period (a package just put for a function that is not recorded
     * yet must survive a collection that read its live set a moment earlier).
     *
     * @return the {@code CodeSha256} of each package deleted
     * @throws IllegalArgumentException if an element of {@code live} is not base64 of a SHA-256
     */
    public Set<String> retainOnly(Set<String> live) {
        Set<String> liveHex = new HashSet<>();
        for (String codeSha256 : live) {
            liveHex.add(PackageDigest.fromBase64(codeSha256).hex());
        }
        return whileOpen(() -> {
            Instant sparedAfter = clock.instant().minus(gcGracePeriod);
            Set<String> deleted = new HashSet<>();
            for (PackageDigest digest : listDigests()) {
                if (!liveHex.contains(digest.hex()) && deleteDigest(digest, sparedAfter)) {
                    deleted.add(digest.base64());
                }
            }
            return deleted;
        });
    }

    /** Releases the directory; packages stay on disk for the next store. Idempotent. */
    @Override
    public void close() {
        openState.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (lockChannel) {
                fileLock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release package store " + layout.root(), e);
        } finally {
            openState.writeLock().unlock();
        }
    }

    private interface StoreOperation<T> {
        T run() throws IOException;
    }

    private <T> T whileOpen(StoreOperation<T> operation) {
        openState.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("package store " + layout.root() + " is closed");
            }
            return operation.run();
        } catch (IOException e) {
            throw new UncheckedIOException("package store " + layout.root() + " failed", e);
        } finally {
            openState.readLock().unlock();
        }
    }

    private Optional<Path> packageDirectory(String codeSha256) {
        PackageDigest digest = PackageDigest.fromBase64(codeSha256);
        return whileOpen(() -> {
            Path directory = layout.packageDirectory(digest);
            return Files.isDirectory(directory) ? Optional.of(directory) : Optional.empty();
        });
    }

    private ReentrantLock stripeOf(PackageDigest digest) {
        return stripes[Math.floorMod(digest.hex().hashCode(), LOCK_STRIPES)];
    }

    /** Stages, validates and extracts a new package, then renames it into place. Holds the stripe. */
    private StoredPackage write(PackageDigest digest, Path incoming, long size) throws IOException {
        Path staging = layout.staging().resolve(digest.hex() + "-" + UUID.randomUUID());
        Files.createDirectory(staging);
        try {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path zipFile = StoreLayout.zipFile(staging);
            Files.move(incoming, zipFile);
            try (FileChannel channel = FileChannel.open(zipFile, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.setPosixFilePermissions(zipFile, PosixFilePermissions.fromString("r--r--r--"));
            long unzippedSize = PackageExtractor.extract(zipFile, StoreLayout.taskRoot(staging), limits);
            var stored = new StoredPackage(digest.base64(), size, unzippedSize);
            writeDurably(StoreLayout.metadataFile(staging), PackageMetadata.encode(stored));
            Files.move(staging, layout.packageDirectory(digest), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(layout.packages());
            return stored;
        } catch (IOException | RuntimeException | Error e) {
            try {
                TreeRemoval.remove(staging);
            } catch (IOException | RuntimeException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    /**
     * Deletes a package unless it was last put after {@code sparedAfter}; the check and the removal
     * from {@code packages/} happen under the package's stripe, so a concurrent put either completes
     * first (and is spared) or finds the package gone and writes it again.
     */
    private boolean deleteDigest(PackageDigest digest, Instant sparedAfter) throws IOException {
        Path trashed = layout.trash().resolve(digest.hex() + "-" + UUID.randomUUID());
        ReentrantLock stripe = stripeOf(digest);
        stripe.lock();
        try {
            Instant put = lastPut.get(digest.hex());
            if (put != null && put.isAfter(sparedAfter)) {
                return false;
            }
            try {
                Files.move(layout.packageDirectory(digest), trashed, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                return false;
            }
            lastPut.remove(digest.hex());
        } finally {
            stripe.unlock();
        }
        TreeRemoval.remove(trashed);
        return true;
    }

    private Optional<StoredPackage> read(PackageDigest digest) throws IOException {
        return PackageMetadata.read(StoreLayout.metadataFile(layout.packageDirectory(digest)), digest);
    }

    private List<PackageDigest> listDigests() throws IOException {
        List<PackageDigest> digests = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(layout.packages())) {
            for (Path child : children) {
                PackageDigest.fromHex(child.getFileName().toString()).ifPresent(digests::add);
            }
        }
        return digests;
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void emptyDirectory(Path directory) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                TreeRemoval.remove(child);
            }
        }
    }
}
