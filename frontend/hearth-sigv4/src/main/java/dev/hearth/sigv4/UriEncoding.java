package dev.hearth.sigv4;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SigV4's URI encoding: every byte except the unreserved characters {@code A-Z a-z 0-9 - _ . ~} is
 * written as {@code %XY} with upper-case hex. Stateless and thread-safe.
 */
final class UriEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEncoding() {
    }

    /** Encodes {@code text}'s UTF-8 bytes; {@code /} is kept when {@code keepSlash}. */
    static String encode(String text, boolean keepSlash) {
        return encode(text.getBytes(StandardCharsets.UTF_8), keepSlash);
    }

    static String encode(byte[] bytes, boolean keepSlash) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (isUnreserved(c) || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /**
     * Decodes {@code %XY} escapes to bytes. A {@code %} not followed by two hex digits stays a
     * literal {@code %}; {@code +} stays {@code +} (SigV4 signers never send a space as {@code +}).
     */
    static byte[] decode(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hexValue(in[i + 1]) >= 0 && hexValue(in[i + 2]) >= 0) {
                out.write(hexValue(in[i + 1]) << 4 | hexValue(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    /** The canonical form of one already-encoded query name or value: decoded, then encoded. */
    static String reencode(String encoded) {
        return encode(decode(encoded), false);
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }
}
