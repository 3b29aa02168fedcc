package dev.hearth.packages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The small text file kept beside each package with what is costly to recompute:
 * {@code codeSize=N} and {@code unzippedSize=N} lines. Written once in staging, never changed.
 */
final class PackageMetadata {
    private static final String CODE_SIZE = "codeSize";
    private static final String UNZIPPED_SIZE = "unzippedSize";

    private PackageMetadata() {}

    static byte[] encode(StoredPackage stored) {
        return (CODE_SIZE + "=" + stored.codeSize() + "\n" + UNZIPPED_SIZE + "=" + stored.unzippedSize() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the metadata of the package {@code digest}; empty if the file does not exist.
     *
     * @throws IllegalStateException if the file exists but is not valid metadata
     */
    static Optional<StoredPackage> read(Path file, PackageDigest digest) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Map<String, Long> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new IllegalStateException("corrupt package metadata " + file + ": " + line);
            }
            try {
                values.put(line.substring(0, equals), Long.parseLong(line.substring(equals + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("corrupt package metadata " + file + ": " + line, e);
            }
        }
        Long codeSize = values.get(CODE_SIZE);
        Long unzippedSize = values.get(UNZIPPED_SIZE);
        if (codeSize == null || unzippedSize == null) {
            throw new IllegalStateException("corrupt package metadata " + file + ": " + text);
        }
        return Optional.of(new StoredPackage(digest.base64(), codeSize, unzippedSize));
    }
}
