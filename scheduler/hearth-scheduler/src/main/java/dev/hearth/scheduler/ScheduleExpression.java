package dev.hearth.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule's {@code ScheduleExpression}: {@code cron(...)} (EventBridge's dialect, {@link
 * CronExpression}), {@code rate(N unit)} or {@code at(yyyy-mm-ddThh:mm:ss)}, and when it fires.
 * Immutable and thread-safe.
 */
sealed interface ScheduleExpression {
    /**
     * The first fire time strictly after {@code after}.
     *
     * @param zone the schedule's time zone (cron and at are read in it)
     * @param anchor where a rate's periods start: the schedule's StartDate, else its creation
     */
    Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor);

    /** Whether the expression fires at most once. */
    default boolean oneTime() {
        return this instanceof At;
    }

    /** {@code cron(...)}. */
    record Cron(CronExpression fields) implements ScheduleExpression {
        @Override
        public Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor) {
            return fields.nextAfter(after, zone);
        }
    }

    /** {@code rate(N unit)}: every {@code period}, the first at the anchor. */
    record Rate(Duration period) implements ScheduleExpression {
        @Override
        public Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor) {
            if (after.isBefore(anchor)) {
                return Optional.of(anchor);
            }
            long periods = Duration.between(anchor, after).toMillis() / period.toMillis() + 1;
            return Optional.of(anchor.plus(period.multipliedBy(periods)));
        }
    }

    /** {@code at(yyyy-mm-ddThh:mm:ss)}: once, at that local time in the schedule's zone. */
    record At(LocalDateTime time) implements ScheduleExpression {
        @Override
        public Optional<Instant> nextAfter(Instant after, ZoneId zone, Instant anchor) {
            Instant at = ZonedDateTime.ofLocal(time, zone, null).toInstant();
            return at.isAfter(after) ? Optional.of(at) : Optional.empty();
        }
    }

    Pattern CRON = Pattern.compile("cron\\((.*)\\)");
    Pattern RATE = Pattern.compile("rate\\((\\d{1,9}) (minute|minutes|hour|hours|day|days)\\)");
    Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException when it is none of the three forms, or an invalid one
     */
    static ScheduleExpression parse(String text) {
        Matcher cron = CRON.matcher(text);
        if (cron.matches()) {
            return new Cron(CronExpression.parse(cron.group(1)));
        }
        Matcher rate = RATE.matcher(text);
        if (rate.matches()) {
            long value = Long.parseLong(rate.group(1));
            String unit = rate.group(2);
            if (value < 1 || (value == 1) != !unit.endsWith("s")) {
                throw new IllegalArgumentException("a rate of 1 takes a singular unit, any other a plural one");
            }
            Duration period = switch (unit) {
                case "minute", "minutes" -> Duration.ofMinutes(value);
                case "hour", "hours" -> Duration.ofHours(value);
                default -> Duration.ofDays(value);
            };
            return new Rate(period);
        }
        Matcher at = AT.matcher(text);
        if (at.matches()) {
            try {
                return new At(LocalDateTime.parse(at.group(1)));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a date and time: " + at.group(1), e);
            }
        }
        throw new IllegalArgumentException("not cron(...), rate(...) or at(...)");
    }
}
