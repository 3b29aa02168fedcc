package dev.hearth.packages;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Builds zips a hostile client might upload, steered by a fuzzer's input: entry names with {@code ..},
 * absolute paths, backslashes, drive letters, NULs and over-long segments; duplicate names, a file and
 * a directory of one name, symbolic links pointing anywhere, devices and FIFOs, deep nesting, more
 * entries than the limits allow, highly compressible data, and central directory fields patched to
 * lie (huge declared sizes, moved offsets) or random bytes flipped.
 */
final class HostileZips {
    private static final String[] PLAIN_SEGMENTS = {"a", "b", "lib", "dir", "link", "handler.py", "é"};
    private static final String[] HOSTILE_SEGMENTS = {
        "..", ".", "", "a\\..\\..", "..\\..", "C:", "c:\\windows", "\u0000", "x\u0000y", "\u202e", " ",
        "x".repeat(256), "y".repeat(120),
    };
    private static final String[] TARGETS = {
        "a", "b", "..", "../..", "../../../etc/passwd", "/etc/passwd", "/", ".", "a/../..", "lib/../../x", "link",
        "link/..", "dir/link", "..\\..\\x", "C:\\x", "", "\u0000", "x".repeat(4096), "./././a", "a/b/c/../../..",
    };
    private static final int[] UNIX_TYPES = {
        0100644, 0100755, 0100644, 0040755, 0040755, 0120777, 0120777, 0120777, 0010644, 0020644, 0060644, 0140755, 0,
    };
    private static final int CENTRAL_HEADER_SIGNATURE = 0x02014b50;
    private static final long BASE_TIME_MILLIS = 1_700_000_000_000L;

    private HostileZips() {}

    static byte[] from(FuzzedDataProvider data) {
        var bytes = new ByteArrayOutputStream();
        int entries = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 40) : data.consumeInt(0, 8);
        try (var zip = new ZipArchiveOutputStream(bytes)) {
            for (int i = 0; i < entries; i++) {
                addEntry(zip, data, i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return patch(bytes.toByteArray(), data);
    }

    private static void addEntry(ZipArchiveOutputStream zip, FuzzedDataProvider data, int index) throws IOException {
        int unixType = data.pickValue(UNIX_TYPES);
        String name = name(data);
        byte[] content;
        if ((unixType & 0170000) == 0120000) {
            content = (data.consumeBoolean() ? data.pickValue(TARGETS) : name(data)).getBytes(StandardCharsets.UTF_8);
        } else if ((unixType & 0170000) == 0040000) {
            name = name.endsWith("/") || data.consumeBoolean() ? name : name + "/";
            content = new byte[0];
        } else {
            content = switch (data.consumeInt(0, 2)) {
                case 0 -> data.consumeBytes(data.consumeInt(0, 512));
                case 1 -> new byte[data.consumeInt(0, 200_000)];
                default -> ("print('" + index + "')\n").getBytes(StandardCharsets.UTF_8);
            };
        }
        var entry = new ZipArchiveEntry(name);
        if (unixType != 0) {
            entry.setUnixMode(unixType);
        }
        // Commons Compress's writer keys entries by equality: distinct times keep repeated names apart.
        entry.setTime(BASE_TIME_MILLIS + 2_000L * index);
        if (data.consumeBoolean()) {
            var crc = new CRC32();
            crc.update(content);
            entry.setMethod(ZipArchiveEntry.STORED);
            entry.setSize(content.length);
            entry.setCompressedSize(content.length);
            entry.setCrc(crc.getValue());
        }
        zip.putArchiveEntry(entry);
        zip.write(content);
        zip.closeArchiveEntry();
    }

    private static String name(FuzzedDataProvider data) {
        var name = new StringBuilder(switch (data.consumeInt(0, 15)) {
            case 0 -> "/";
            case 1 -> "\\";
            case 2 -> "./";
            default -> "";
        });
        int depth = data.consumeInt(0, 7) == 0 ? data.consumeInt(1, 12) : data.consumeInt(1, 3);
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                name.append(data.consumeInt(0, 15) == 0 ? "\\" : "/");
            }
            name.append(switch (data.consumeInt(0, 7)) {
                case 0 -> data.pickValue(HOSTILE_SEGMENTS);
                case 1 -> data.consumeString(16);
                default -> data.pickValue(PLAIN_SEGMENTS);
            });
        }
        return name.toString();
    }

    /** Makes some central directory headers lie, and flips a few bytes anywhere. */
    private static byte[] patch(byte[] zip, FuzzedDataProvider data) {
        List<Integer> headers = centralHeaders(zip);
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int lies = headers.isEmpty() || data.consumeInt(0, 3) != 0 ? 0 : data.consumeInt(1, 3);
        for (int i = 0; i < lies; i++) {
            int header = headers.get(data.consumeInt(0, headers.size() - 1));
            switch (data.consumeInt(0, 4)) {
                case 0 -> buffer.putInt(header + 24, data.pickValue(new int[] {-1, Integer.MAX_VALUE, 0, 1 << 30}));
                case 1 -> buffer.putInt(header + 20, data.consumeInt());
                case 2 -> buffer.putInt(header + 42, data.consumeInt(0, zip.length));
                case 3 -> buffer.putInt(header + 38, data.pickValue(new int[] {0120777 << 16, 0040755 << 16, 0010644 << 16}));
                default -> buffer.putShort(header + 10, (short) data.consumeInt(0, 99));
            }
        }
        int flips = data.consumeInt(0, 7) == 0 ? data.consumeInt(1, 2) : 0;
        for (int i = 0; i < flips && zip.length > 0; i++) {
            zip[data.consumeInt(0, zip.length - 1)] = data.consumeByte();
        }
        return zip;
    }

    private static List<Integer> centralHeaders(byte[] zip) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i + 46 <= zip.length; i++) {
            if (buffer.getInt(i) == CENTRAL_HEADER_SIGNATURE) {
                offsets.add(i);
            }
        }
        return offsets;
    }
}
