package dev.hearth.controlplane;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Lambda's timestamp format for LastModified: {@code 2026-11-22T07:30:00.000+0000}. */
public final class LambdaTimestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    private LambdaTimestamps() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
