package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes a read-only ext4 image of a directory tree with {@code mkfs.ext4 -d} (e2fsprogs): no loop
 * mount, no root privileges. The image is sized from the tree (4 KiB blocks, one inode per entry,
 * no journal, no reserved blocks, no {@code lost+found}) and written to a temporary file that is moved into place, so a
 * reader never sees a half-written image.
 *
 * <p>Threading: stateless; concurrent calls must write different targets.
 */
final class Ext4ImageWriter {
    private static final long BLOCK = 4096;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private Ext4ImageWriter() {}

    static void write(Path sourceDir, String label, Path target) throws IOException {
        long blocks = 0;
        long entries = 0;
        try (Stream<Path> walk = Files.walk(sourceDir)) {
            for (Path each : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes attributes = Files.readAttributes(each, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                entries++;
                blocks += attributes.isRegularFile() ? (attributes.size() + BLOCK - 1) / BLOCK + 1 : 1;
            }
        }
        // room for metadata (inode tables, bitmaps, extent blocks) and a margin
        long sizeKb = (blocks + blocks / 8 + entries / 16 + 2048) * (BLOCK / 1024);
        long inodes = entries + entries / 10 + 64;
        Path partial = target.resolveSibling(target.getFileName() + ".partial-" + ProcessHandle.current().pid()
                + "-" + Thread.currentThread().threadId());
        Files.deleteIfExists(partial);
        try {
            HostCommand.run(List.of("mkfs.ext4", "-q", "-F", "-b", "4096", "-m", "0", "-N", Long.toString(inodes),
                    "-O", "^has_journal,^resize_inode", "-U", "clear", "-E", "root_owner=0:0", "-L", label,
                    "-d", sourceDir.toString(), partial.toString(), sizeKb + "k"), TIMEOUT);
            // the guest should see exactly the source tree: no lost+found (never needed read-only)
            if (!Files.exists(sourceDir.resolve("lost+found"))) {
                HostCommand.run(List.of("debugfs", "-w", "-R", "rmdir /lost+found", partial.toString()), TIMEOUT);
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
