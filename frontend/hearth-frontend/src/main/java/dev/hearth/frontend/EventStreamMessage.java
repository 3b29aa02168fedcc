package dev.hearth.frontend;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One message of AWS's event-stream encoding ({@code application/vnd.amazon.eventstream}), as
 * InvokeWithResponseStream answers with: a prelude (total length, headers length, both big-endian
 * 32-bit, and the prelude's CRC32), the headers (name length as one byte, name, value type 7 —
 * string — and a 16-bit length before the value), the payload, and the CRC32 of everything before it.
 * Only string headers are written and read, the only kind Lambda's events carry.
 *
 * @param headers header names and string values, in order
 * @param payload the message's payload
 */
public record EventStreamMessage(Map<String, String> headers, byte[] payload) {
    private static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    private static final byte STRING = 7;
    /** The largest message read: the SDKs' limit of 16 MB of payload, and headers. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 128 * 1024;

    public EventStreamMessage {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** An {@code event} message of {@code eventType} whose payload is {@code length} bytes of {@code bytes}. */
    public static byte[] event(String eventType, String contentType, byte[] bytes, int offset, int length) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", contentType);
        headers.put(":message-type", "event");
        return encode(headers, bytes, offset, length);
    }

    /** This message, encoded. */
    public byte[] encode() {
        return encode(headers, payload, 0, payload.length);
    }

    private static byte[] encode(Map<String, String> headers, byte[] bytes, int offset, int length) {
        int headerBytes = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            headerBytes += 1 + utf8(header.getKey()).length + 1 + 2 + utf8(header.getValue()).length;
        }
        int total = PRELUDE_BYTES + headerBytes + length + CRC_BYTES;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(headerBytes);
        out.putInt(crc(out.array(), 0, 8));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            byte[] name = utf8(header.getKey());
            byte[] value = utf8(header.getValue());
            out.put((byte) name.length).put(name).put(STRING).putShort((short) value.length).put(value);
        }
        out.put(bytes, offset, length);
        out.putInt(crc(out.array(), 0, total - CRC_BYTES));
        return out.array();
    }

    /**
     * Reads the next message of {@code in}; empty at the end of the stream.
     *
     * @throws IOException when the stream ends inside a message, a checksum is wrong or a header is not
     *     a string
     */
    public static Optional<EventStreamMessage> read(InputStream in) throws IOException {
        byte[] prelude = in.readNBytes(PRELUDE_BYTES);
        if (prelude.length == 0) {
            return Optional.empty();
        }
        if (prelude.length < PRELUDE_BYTES) {
            throw new EOFException("the event stream ended inside a message's prelude");
        }
        ByteBuffer head = ByteBuffer.wrap(prelude);
        int total = head.getInt();
        int headerBytes = head.getInt();
        if (head.getInt() != crc(prelude, 0, 8)) {
            throw new IOException("an event stream message's prelude checksum is wrong");
        }
        if (total < PRELUDE_BYTES + CRC_BYTES || total > MAX_MESSAGE_BYTES || headerBytes < 0
                || headerBytes > total - PRELUDE_BYTES - CRC_BYTES) {
            throw new IOException("an event stream message's lengths are invalid: " + total + ", " + headerBytes);
        }
        byte[] message = new byte[total];
        System.arraycopy(prelude, 0, message, 0, PRELUDE_BYTES);
        if (in.readNBytes(message, PRELUDE_BYTES, total - PRELUDE_BYTES) < total - PRELUDE_BYTES) {
            throw new EOFException("the event stream ended inside a message");
        }
        ByteBuffer body = ByteBuffer.wrap(message);
        if (body.getInt(total - CRC_BYTES) != crc(message, 0, total - CRC_BYTES)) {
            throw new IOException("an event stream message's checksum is wrong");
        }
        body.position(PRELUDE_BYTES);
        Map<String, String> headers = new LinkedHashMap<>();
        while (body.position() < PRELUDE_BYTES + headerBytes) {
            byte[] name = new byte[body.get() & 0xFF];
            body.get(name);
            if (body.get() != STRING) {
                throw new IOException("an event stream header that is not a string: " + new String(name, StandardCharsets.UTF_8));
            }
            byte[] value = new byte[body.getShort() & 0xFFFF];
            body.get(value);
            headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
        }
        byte[] payload = new byte[total - PRELUDE_BYTES - headerBytes - CRC_BYTES];
        body.get(payload);
        return Optional.of(new EventStreamMessage(headers, payload));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
