package dev.hearth.sqs.sqlite;

import dev.hearth.sqs.spi.MessageQueueException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A receipt handle: the queue's and the message's row ids and the random token of one receive,
 * base64url-encoded. Opaque to clients; a handle of an earlier receive has an outdated token.
 */
record ReceiptHandle(long queueId, long messageRow, String token) {
    private static final RandomGenerator RANDOM = new java.security.SecureRandom();

    static String newToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("hearth1:" + queueId + ":" + messageRow + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    static ReceiptHandle parse(String text) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            String[] parts = decoded.split(":", -1);
            if (parts.length == 4 && parts[0].equals("hearth1") && parts[3].length() == 32) {
                return new ReceiptHandle(Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
            }
        } catch (IllegalArgumentException e) {
            // not base64, or not numbers: invalid like any other text
        }
        throw new MessageQueueException(MessageQueueException.Kind.RECEIPT_HANDLE_INVALID,
                "The input receipt handle \"" + text + "\" is not a valid receipt handle.");
    }
}
