package dev.hearth.sqs.sqlite;

import dev.hearth.sqs.spi.MessageAttribute;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Message attributes as one column's bytes: a count, then per attribute its name, data type, a kind
 * byte (0 string, 1 binary) and its value, each length-prefixed. Stateless.
 */
final class AttributeCodec {
    private AttributeCodec() {}

    static byte[] encode(Map<String, MessageAttribute> attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(attributes.size());
            for (Map.Entry<String, MessageAttribute> entry : attributes.entrySet()) {
                writeBytes(out, entry.getKey().getBytes(StandardCharsets.UTF_8));
                MessageAttribute value = entry.getValue();
                writeBytes(out, value.dataType().getBytes(StandardCharsets.UTF_8));
                out.writeByte(value.isBinary() ? 1 : 0);
                writeBytes(out, value.isBinary() ? value.binaryValue() : value.stringValue().getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, MessageAttribute> decode(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            return Map.of();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int count = in.readInt();
            Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = new String(readBytes(in), StandardCharsets.UTF_8);
                String type = new String(readBytes(in), StandardCharsets.UTF_8);
                boolean binary = in.readByte() == 1;
                byte[] value = readBytes(in);
                attributes.put(name, binary ? MessageAttribute.binary(type, value)
                        : MessageAttribute.string(type, new String(value, StandardCharsets.UTF_8)));
            }
            return Collections.unmodifiableMap(attributes);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt message attributes", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        return in.readNBytes(in.readInt());
    }
}
