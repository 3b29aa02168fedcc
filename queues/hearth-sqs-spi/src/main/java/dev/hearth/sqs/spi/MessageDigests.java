package dev.hearth.sqs.spi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MD5 digests SQS answers and its SDKs verify: {@code MD5OfMessageBody} (of the body's UTF-8
 * bytes) and {@code MD5OfMessageAttributes} (of the attributes sorted by name, each encoded as its
 * name, data type, a transport byte — 1 for a string value, 2 for a binary one — and its value, every
 * variable part preceded by its length as a 4-byte big-endian integer): the queue API answers them
 * and event source mappings put them in Lambda's SQS records. Stateless.
 */
public final class MessageDigests {
    private MessageDigests() {}

    public static String ofBody(String body) {
        return hex(md5().digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The attributes' digest; null for no attributes (SQS then leaves the member out). */
    public static String ofAttributes(Map<String, MessageAttribute> attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Map.Entry<String, MessageAttribute> entry : new TreeMap<>(attributes).entrySet()) {
            MessageAttribute value = entry.getValue();
            lengthPrefixed(bytes, entry.getKey().getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(bytes, value.dataType().getBytes(StandardCharsets.UTF_8));
            bytes.write(value.isBinary() ? 2 : 1);
            lengthPrefixed(bytes, value.isBinary() ? value.binaryValue() : value.stringValue().getBytes(StandardCharsets.UTF_8));
        }
        return hex(md5().digest(bytes.toByteArray()));
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
