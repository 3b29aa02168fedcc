package dev.hearth.packages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Validates an untrusted package zip and extracts it into a new directory, as one pass of checks on
 * the central directory followed by one pass of writes. One instance per extraction; not thread-safe.
 *
 * <p>What it guarantees (everything else is rejected before or while writing):
 *
 * <ul>
 *   <li>Sizes: the bytes actually inflated are counted (zip headers are not trusted) and extraction
 *       stops as soon as the total passes {@link PackageLimits#maxUnzippedBytes()}; a zip whose
 *       headers already claim more is refused before inflating anything. Entries whose data overlap
 *       (the trick behind overlapping-entry zip bombs) or run past the end of the zip, entries that
 *       inflate to a size or CRC other than the central directory says, encrypted entries and
 *       compression methods other than stored, deflate, deflate64 and bzip2 make the zip unreadable
 *       ("Could not unzip uploaded file...").
 *   <li>Paths: see {@link EntryPath}; structure and duplicates: see {@link PackageTree}; links: see
 *       {@link SymlinkCheck}. Only regular files, directories and symbolic links are created.
 *   <li>No write goes through a link: links are created last, after every file and directory, and
 *       files are created with {@code O_CREAT|O_EXCL} without following links.
 *   <li>Modes: a file with any unix execute bit becomes {@code r-xr-xr-x}, every other file
 *       {@code r--r--r--}, every directory {@code r-xr-xr-x}: read-only, readable by every uid.
 *       Modification times of entries are kept (Python compares them with its cached bytecode).
 * </ul>
 *
 * <p>Failures of reading the zip become {@link dev.hearth.core.LambdaException}s; failures of writing
 * the extracted tree (the store's disk) are {@link IOException}s for the caller.
 */
final class PackageExtractor {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int ANY_EXECUTE_BIT = 0111;
    private static final Set<Integer> READABLE_METHODS = Set.of(
            ZipMethod.STORED.getCode(),
            ZipMethod.DEFLATED.getCode(),
            ZipMethod.ENHANCED_DEFLATED.getCode(),
            ZipMethod.BZIP2.getCode());
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");
    private static final Set<PosixFilePermission> READ_EXECUTE = PosixFilePermissions.fromString("r-xr-xr-x");

    private final PackageLimits limits;
    private long inflatedBytes;

    private PackageExtractor(PackageLimits limits) {
        this.limits = limits;
    }

    /**
     * Validates {@code zip} and extracts it into {@code taskRoot}, which must not exist yet (its parent
     * must). On failure {@code taskRoot} may hold a partial tree: the caller removes it.
     *
     * @return the bytes inflated: the package's unzipped size
     * @throws dev.hearth.core.LambdaException if the package is refused
     * @throws IOException if writing the tree fails
     */
    static long extract(byte[] zip, Path taskRoot, PackageLimits limits) throws IOException {
        return new PackageExtractor(limits).run(new SeekableInMemoryByteChannel(zip), taskRoot);
    }

    /** As {@link #extract(byte[], Path, PackageLimits)}, reading the zip from a file (never all of it into memory). */
    static long extract(Path zipFile, Path taskRoot, PackageLimits limits) throws IOException {
        try (FileChannel channel = FileChannel.open(zipFile, StandardOpenOption.READ)) {
            return new PackageExtractor(limits).run(channel, taskRoot);
        }
    }

    private long run(SeekableByteChannel zipBytes, Path taskRoot) throws IOException {
        long length = zipBytes.size();
        if (countCentralHeaderSignatures(zipBytes) > limits.maxEntries()) {
            throw PackageRejections.tooManyEntries(limits.maxEntries());
        }
        zipBytes.position(0);
        try (ZipFile zip = open(zipBytes)) {
            List<ZipArchiveEntry> entries = listEntries(zip);
            checkPhysicalLayout(entries, length);
            PackageTree tree = plan(zip, entries);
            Map<EntryPath, String> targets = readLinkTargets(zip, tree);
            new SymlinkCheck(tree, targets, limits).verifyAll();
            write(zip, tree, targets, taskRoot);
        }
        return inflatedBytes;
    }

    /**
     * Counts the bytes {@code PK\1\2} that start every central directory entry: an upper bound on the
     * entries any reading of the zip can find. Commons Compress builds an object of some 450 bytes of
     * heap per entry before the entry limit can be applied; this cheap bound keeps a 50 MB zip of
     * empty entries from costing a quarter of a gigabyte first. (Stored zips nested in a package
     * count too, so the bound can refuse a zip whose own entries are within the limit; with the
     * default of 100,000 that needs very large stored jars.)
     */
    private static int countCentralHeaderSignatures(SeekableByteChannel zip) throws IOException {
        int count = 0;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        zip.position(0);
        // the last three bytes of each block stay in front of the next: no signature is split or counted twice
        while (zip.read(buffer) > 0) {
            buffer.flip();
            int limit = buffer.limit();
            for (int i = 0; i + 3 < limit; i++) {
                if (buffer.get(i) == 'P' && buffer.get(i + 1) == 'K' && buffer.get(i + 2) == 1 && buffer.get(i + 3) == 2) {
                    count++;
                }
            }
            buffer.position(Math.max(0, limit - 3));
            buffer.compact();
        }
        return count;
    }

    private static ZipFile open(SeekableByteChannel zip) {
        try {
            return ZipFile.builder().setSeekableByteChannel(zip).get();
        } catch (IOException | RuntimeException e) {
            throw PackageRejections.couldNotUnzip(e);
        }
    }

    private List<ZipArchiveEntry> listEntries(ZipFile zip) {
        List<ZipArchiveEntry> entries = new ArrayList<>();
        for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
            if (entries.size() == limits.maxEntries()) {
                throw PackageRejections.tooManyEntries(limits.maxEntries());
            }
            entries.add(entry);
        }
        return entries;
    }

    /** Every entry's data must lie inside the zip, after its own header and before the next entry's. */
    private static void checkPhysicalLayout(List<ZipArchiveEntry> entries, long zipLength) {
        List<ZipArchiveEntry> physical = new ArrayList<>(entries);
        physical.sort(Comparator.comparingLong(ZipArchiveEntry::getLocalHeaderOffset));
        long previousEnd = 0;
        String previousName = null;
        for (ZipArchiveEntry entry : physical) {
            long start = entry.getLocalHeaderOffset();
            long dataStart = entry.getDataOffset();
            long compressed = entry.getCompressedSize();
            if (start < 0 || dataStart < start || compressed < 0 || dataStart > zipLength - compressed) {
                throw PackageRejections.couldNotUnzip(
                        "entry '" + entry.getName() + "' lies outside the zip (truncated or corrupt)");
            }
            if (start < previousEnd) {
                throw PackageRejections.couldNotUnzip("entries '" + previousName + "' and '" + entry.getName()
                        + "' overlap: the latter starts at " + start + ", before " + previousEnd);
            }
            previousEnd = dataStart + compressed;
            previousName = entry.getName();
        }
    }

    private PackageTree plan(ZipFile zip, List<ZipArchiveEntry> entries) {
        var tree = new PackageTree();
        long declared = 0;
        for (ZipArchiveEntry entry : entries) {
            String name = entry.getName();
            EntryPath path = EntryPath.parse(name, limits);
            int mode = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0;
            int type = mode & S_IFMT;
            PackageTree.Node node;
            if (entry.isUnixSymlink()) {
                node = new PackageTree.Symlink(path, entry);
            } else if (entry.isDirectory() || type == S_IFDIR) {
                if (path.isRoot()) {
                    continue;
                }
                node = new PackageTree.Directory(path, Optional.of(entry));
            } else if (type == 0 || type == S_IFREG) {
                node = new PackageTree.RegularFile(path, entry, (mode & ANY_EXECUTE_BIT) != 0);
            } else {
                throw PackageRejections.badEntry(name,
                        "is a device, FIFO or socket; a package may only contain files, directories and symbolic links");
            }
            if (path.isRoot()) {
                throw PackageRejections.badEntry(name, "has no file name");
            }
            if (!(node instanceof PackageTree.Directory)) {
                checkReadable(zip, entry);
                long size = Math.max(0, entry.getSize());
                if (size > limits.maxUnzippedBytes() - declared) {
                    throw PackageRejections.unzippedTooLarge(limits.maxUnzippedBytes());
                }
                declared += size;
            }
            tree.add(node, name);
        }
        return tree;
    }

    private static void checkReadable(ZipFile zip, ZipArchiveEntry entry) {
        if (entry.getGeneralPurposeBit().usesEncryption()) {
            throw PackageRejections.couldNotUnzip("entry '" + entry.getName() + "' is encrypted");
        }
        if (!READABLE_METHODS.contains(entry.getMethod()) || !zip.canReadEntryData(entry)) {
            throw PackageRejections.couldNotUnzip("entry '" + entry.getName()
                    + "' uses compression method " + entry.getMethod() + ", which Hearth does not read");
        }
    }

    private Map<EntryPath, String> readLinkTargets(ZipFile zip, PackageTree tree) {
        Map<EntryPath, String> targets = new HashMap<>();
        for (PackageTree.Node node : tree.nodes()) {
            if (node instanceof PackageTree.Symlink link) {
                String name = link.entry().getName();
                if (link.entry().getSize() > SymlinkCheck.MAX_TARGET_BYTES) {
                    throw PackageRejections.badEntry(name, "is a symbolic link whose target is longer than "
                            + SymlinkCheck.MAX_TARGET_BYTES + " bytes");
                }
                var bytes = new ByteArrayOutputStream();
                try {
                    inflate(zip, link.entry(), bytes);
                } catch (IOException e) {
                    throw new IllegalStateException("writing to memory cannot fail", e);
                }
                String target = bytes.toString(StandardCharsets.UTF_8);
                SymlinkCheck.checkTargetText(name, target);
                targets.put(link.path(), target);
            }
        }
        return targets;
    }

    private void write(ZipFile zip, PackageTree tree, Map<EntryPath, String> targets, Path taskRoot)
            throws IOException {
        Files.createDirectory(taskRoot);
        List<PackageTree.Directory> directories = new ArrayList<>();
        List<PackageTree.Symlink> links = new ArrayList<>();
        for (PackageTree.Node node : tree.nodes()) {
            switch (node) {
                case PackageTree.Directory directory -> {
                    if (!directory.path().isRoot()) {
                        Files.createDirectory(directory.path().resolveIn(taskRoot));
                    }
                    directories.add(directory);
                }
                case PackageTree.RegularFile file -> writeFile(zip, file, taskRoot);
                case PackageTree.Symlink link -> links.add(link);
            }
        }
        for (PackageTree.Symlink link : links) {
            Files.createSymbolicLink(link.path().resolveIn(taskRoot), Path.of(targets.get(link.path())));
        }
        for (PackageTree.Directory directory : directories.reversed()) {
            Path path = directory.path().resolveIn(taskRoot);
            Optional<FileTime> modified = directory.entry().flatMap(PackageExtractor::modifiedTime);
            if (modified.isPresent()) {
                Files.setLastModifiedTime(path, modified.get());
            }
            Files.setPosixFilePermissions(path, READ_EXECUTE);
        }
    }

    private void writeFile(ZipFile zip, PackageTree.RegularFile file, Path taskRoot) throws IOException {
        Path path = file.path().resolveIn(taskRoot);
        try (OutputStream out = Files.newOutputStream(path,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            inflate(zip, file.entry(), out);
        }
        Optional<FileTime> modified = modifiedTime(file.entry());
        if (modified.isPresent()) {
            Files.setLastModifiedTime(path, modified.get());
        }
        Files.setPosixFilePermissions(path, file.executable() ? READ_EXECUTE : READ_ONLY);
    }

    private static Optional<FileTime> modifiedTime(ZipArchiveEntry entry) {
        long millis = entry.getTime();
        return millis < 0 ? Optional.empty() : Optional.of(FileTime.fromMillis(millis));
    }

    /**
     * Inflates one entry into {@code sink}, counting every byte against the unzipped limit and checking
     * the entry's declared size and CRC.
     */
    private void inflate(ZipFile zip, ZipArchiveEntry entry, OutputStream sink) throws IOException {
        long declaredSize = entry.getSize();
        var crc = new CRC32();
        long entryBytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = openEntry(zip, entry)) {
            while (true) {
                int read = read(in, buffer, entry);
                if (read < 0) {
                    break;
                }
                inflatedBytes += read;
                if (inflatedBytes > limits.maxUnzippedBytes()) {
                    throw PackageRejections.unzippedTooLarge(limits.maxUnzippedBytes());
                }
                entryBytes += read;
                if (declaredSize >= 0 && entryBytes > declaredSize) {
                    throw PackageRejections.couldNotUnzip("entry '" + entry.getName()
                            + "' inflates to more than the " + declaredSize + " bytes the zip declares");
                }
                crc.update(buffer, 0, read);
                sink.write(buffer, 0, read);
            }
        }
        if (declaredSize >= 0 && entryBytes != declaredSize) {
            throw PackageRejections.couldNotUnzip("entry '" + entry.getName() + "' inflates to " + entryBytes
                    + " bytes, but the zip declares " + declaredSize);
        }
        if (entry.getCrc() >= 0 && entry.getCrc() != crc.getValue()) {
            throw PackageRejections.couldNotUnzip("entry '" + entry.getName() + "' fails its CRC check");
        }
    }

    private static InputStream openEntry(ZipFile zip, ZipArchiveEntry entry) {
        try {
            return new ZipEntryStream(zip.getInputStream(entry), entry);
        } catch (IOException | RuntimeException e) {
            throw PackageRejections.couldNotUnzip(e);
        }
    }

    private static int read(InputStream in, byte[] buffer, ZipArchiveEntry entry) {
        try {
            return in.read(buffer);
        } catch (IOException | RuntimeException e) {
            throw PackageRejections.couldNotUnzip(
                    new IOException("reading entry '" + entry.getName() + "' failed", e));
        }
    }

    /** An entry's data stream whose failure to close is a corrupt zip, not a disk failure. */
    private static final class ZipEntryStream extends InputStream {
        private final InputStream in;
        private final ZipArchiveEntry entry;

        ZipEntryStream(InputStream in, ZipArchiveEntry entry) {
            this.in = in;
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                throw PackageRejections.couldNotUnzip(
                        new IOException("closing entry '" + entry.getName() + "' failed", e));
            }
        }
    }
}
