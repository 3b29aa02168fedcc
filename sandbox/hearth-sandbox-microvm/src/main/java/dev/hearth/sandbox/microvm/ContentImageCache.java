package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Read-only ext4 images of directories (function code, runtime files), cached by content: the key
 * is a SHA-256 over every entry's relative path, type, permission bits, symlink target and bytes,
 * so two directories with the same content share one image and a changed file gives a new one.
 *
 * <p>Threading: thread-safe; concurrent requests for the same content build it once.
 */
final class ContentImageCache {
    private final Path dir;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    ContentImageCache(Path dir) {
        this.dir = dir;
    }

    /** The image of {@code sourceDir}, built now if no image of the same content exists. */
    Path imageOf(Path sourceDir, String label) throws IOException {
        if (!Files.isDirectory(sourceDir)) {
            throw new IOException("not a directory: " + sourceDir);
        }
        String key = contentHash(sourceDir);
        Path image = dir.resolve(key + ".ext4");
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            if (!Files.exists(image)) {
                Files.createDirectories(dir);
                Ext4ImageWriter.write(sourceDir, label, image);
            }
        }
        return image;
    }

    static String contentHash(Path root) throws IOException {
        MessageDigest digest = sha256();
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.sorted().toList();
        }
        byte[] buffer = new byte[65536];
        for (Path each : entries) {
            PosixFileAttributes attributes = Files.readAttributes(each, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String type = attributes.isSymbolicLink() ? "l" : attributes.isDirectory() ? "d" : attributes.isRegularFile() ? "f" : "o";
            String perms = java.nio.file.attribute.PosixFilePermissions.toString(attributes.permissions());
            digest.update((root.relativize(each) + "\0" + type + perms + "\0").getBytes(UTF_8));
            if (attributes.isSymbolicLink()) {
                digest.update(Files.readSymbolicLink(each).toString().getBytes(UTF_8));
            } else if (attributes.isRegularFile()) {
                digest.update(Long.toString(attributes.size()).getBytes(UTF_8));
                try (InputStream in = Files.newInputStream(each)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
