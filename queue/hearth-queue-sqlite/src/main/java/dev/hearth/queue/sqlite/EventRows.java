package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.DeadLetter;
import dev.hearth.queue.spi.QueuedEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Turns rows of {@code queued_event} and {@code dead_letter} into the SPI's records, and instants
 * into the microseconds since the epoch the tables store. Stateless.
 */
final class EventRows {
    private EventRows() {}

    /**
     * The event in the current row.
     *
     * @param leasedUntil replaces the row's {@code visible_at}, for an event being leased right now
     */
    static QueuedEvent event(ResultSet row, Optional<Instant> leasedUntil) throws SQLException {
        Instant visibleAt = leasedUntil.isPresent()
                ? instant(micros(leasedUntil.get()))
                : instant(row.getLong("visible_at"));
        return new QueuedEvent(
                row.getString("id"),
                row.getString("function_name"),
                row.getString("qualifier"),
                row.getBytes("payload"),
                instant(row.getLong("enqueued_at")),
                row.getInt("attempts"),
                row.getInt("system_retries"),
                visibleAt,
                Optional.ofNullable(row.getString("last_error")));
    }

    static DeadLetter deadLetter(ResultSet row) throws SQLException {
        return new DeadLetter(event(row, Optional.empty()), row.getString("reason"),
                instant(row.getLong("dead_lettered_at")));
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
