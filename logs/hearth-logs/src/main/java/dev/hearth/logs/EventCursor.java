package dev.hearth.logs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A position between events in (timestamp, event id) order, written into pagination tokens. An event
 * is "after" the cursor when its (timestamp, id) is greater.
 */
record EventCursor(long timestamp, long id) {
    static final EventCursor BEFORE_ALL = new EventCursor(Long.MIN_VALUE, Long.MIN_VALUE);
    static final EventCursor AFTER_ALL = new EventCursor(Long.MAX_VALUE, Long.MAX_VALUE);

    static EventCursor of(LogEvent event) {
        return new EventCursor(event.timestamp(), Long.parseLong(event.eventId()));
    }

    /** An opaque token carrying this cursor, prefixed with {@code kind} (e.g. "f" or "b"). */
    String token(String kind) {
        String raw = timestamp + "/" + id;
        return kind + "/" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads a token written by {@link #token(String)} with the same kind.
     *
     * @throws dev.hearth.core.LambdaException InvalidParameterException when the token is not one
     */
    static EventCursor parse(String token, String kind) {
        if (!token.startsWith(kind + "/")) {
            throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token.substring(kind.length() + 1)), StandardCharsets.US_ASCII);
            int slash = raw.indexOf('/');
            return new EventCursor(Long.parseLong(raw.substring(0, slash)), Long.parseLong(raw.substring(slash + 1)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
        }
    }
}
