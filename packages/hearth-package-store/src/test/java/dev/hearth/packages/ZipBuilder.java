package dev.hearth.packages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Builds real zips in memory for tests, with unix modes and symbolic links (Commons Compress). */
final class ZipBuilder {
    static final int CENTRAL_HEADER_SIGNATURE = 0x02014b50;

    private static final long BASE_TIME_MILLIS = 1_700_000_000_000L;

    private int entries;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes);

    static ZipBuilder zip() {
        return new ZipBuilder();
    }

    ZipBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0100644);
    }

    ZipBuilder executable(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0100755);
    }

    ZipBuilder file(String name, byte[] content, int unixMode) {
        var entry = new ZipArchiveEntry(name);
        entry.setUnixMode(unixMode);
        return add(entry, content);
    }

    ZipBuilder directory(String name) {
        var entry = new ZipArchiveEntry(name.endsWith("/") ? name : name + "/");
        entry.setUnixMode(0040755);
        return add(entry, new byte[0]);
    }

    ZipBuilder symlink(String name, String target) {
        var entry = new ZipArchiveEntry(name);
        entry.setUnixMode(0120777);
        return add(entry, target.getBytes(StandardCharsets.UTF_8));
    }

    private ZipBuilder add(ZipArchiveEntry entry, byte[] content) {
        // Commons Compress's writer keys entries by equality: distinct times keep repeated names apart.
        entry.setTime(BASE_TIME_MILLIS + 2_000L * entries++);
        try {
            zip.putArchiveEntry(entry);
            zip.write(content);
            zip.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    byte[] build() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String codeSha256(byte[] zip) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Offsets of the central directory headers of a zip, in order. */
    static int[] centralHeaders(byte[] zip) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        return java.util.stream.IntStream.range(0, zip.length - 4)
                .filter(i -> buffer.getInt(i) == CENTRAL_HEADER_SIGNATURE)
                .toArray();
    }

    /** Writes a little-endian int into a copy of {@code zip}. */
    static byte[] patchInt(byte[] zip, int offset, int value) {
        byte[] copy = zip.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    /** Writes a little-endian short into a copy of {@code zip}. */
    static byte[] patchShort(byte[] zip, int offset, int value) {
        byte[] copy = zip.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
        return copy;
    }

    static int readInt(byte[] zip, int offset) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }
}
