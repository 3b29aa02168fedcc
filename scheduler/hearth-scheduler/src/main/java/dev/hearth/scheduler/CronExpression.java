package dev.hearth.scheduler;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * EventBridge's cron dialect, {@code cron(minutes hours day-of-month month day-of-week year)}: six
 * fields, each {@code *}, a value, a range {@code a-b}, an increment {@code a/n} or {@code a-b/n} or
 * {@code * /n} (without the space), or a comma-separated list of these; months {@code 1-12} or {@code
 * JAN-DEC}, days of the week {@code 1-7} (Sunday is 1) or {@code SUN-SAT}, years {@code 1970-2199}.
 * Exactly one of day-of-month and day-of-week is {@code ?}. Day-of-month also takes {@code L} (the
 * last day), {@code nW} (the weekday nearest day n, within the month) and {@code LW} (the last
 * weekday); day-of-week takes {@code nL} (the last such weekday of the month) and {@code n#k} (the
 * k-th such weekday).
 *
 * <p>Fire times are computed in a time zone as EventBridge Scheduler documents for daylight saving
 * time: a local time that does not exist (the hour skipped in spring) is skipped, and a local time
 * that occurs twice (the hour repeated in autumn) fires once, at its first occurrence.
 *
 * <p>Immutable and thread-safe.
 */
final class CronExpression {
    private static final int MIN_YEAR = 1970;
    private static final int MAX_YEAR = 2199;
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final BitSet minutes;
    private final BitSet hours;
    private final DayRule days;
    private final BitSet months;
    private final BitSet years;

    /** Which days of a month match: by day-of-month or by day-of-week (the other field being {@code ?}). */
    private sealed interface DayRule {
        boolean matches(LocalDate date);
    }

    private record DaysOfMonth(BitSet days, boolean last, boolean lastWeekday, int nearestWeekdayTo) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            int length = date.lengthOfMonth();
            if (days.get(date.getDayOfMonth())) {
                return true;
            }
            if (last && date.getDayOfMonth() == length) {
                return true;
            }
            if (lastWeekday && date.equals(weekdayNear(date.withDayOfMonth(length)))) {
                return true;
            }
            return nearestWeekdayTo > 0 && nearestWeekdayTo <= length
                    && date.equals(weekdayNear(date.withDayOfMonth(nearestWeekdayTo)));
        }

        /** The weekday nearest {@code day} without leaving its month. */
        private static LocalDate weekdayNear(LocalDate day) {
            return switch (day.getDayOfWeek()) {
                case SATURDAY -> day.getDayOfMonth() == 1 ? day.plusDays(2) : day.minusDays(1);
                case SUNDAY -> day.getDayOfMonth() == day.lengthOfMonth() ? day.minusDays(2) : day.plusDays(1);
                default -> day;
            };
        }
    }

    private record DaysOfWeek(BitSet days, int lastOf, int nthOf, int nth) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            int cronDay = cronDayOf(date.getDayOfWeek());
            if (days.get(cronDay)) {
                return true;
            }
            if (lastOf == cronDay && date.plusWeeks(1).getMonth() != date.getMonth()) {
                return true;
            }
            return nthOf == cronDay && (date.getDayOfMonth() - 1) / 7 + 1 == nth;
        }
    }

    private CronExpression(BitSet minutes, BitSet hours, DayRule days, BitSet months, BitSet years) {
        this.minutes = minutes;
        this.hours = hours;
        this.days = days;
        this.months = months;
        this.years = years;
    }

    /**
     * Parses the six fields inside {@code cron(...)}.
     *
     * @throws IllegalArgumentException when they are not a valid expression of the dialect
     */
    static CronExpression parse(String fields) {
        String[] parts = fields.trim().split("\\s+");
        if (parts.length != 6) {
            throw new IllegalArgumentException("a cron expression has 6 fields, not " + parts.length);
        }
        String dom = parts[2].toUpperCase(Locale.ROOT);
        String dow = parts[4].toUpperCase(Locale.ROOT);
        if (dom.equals("?") == dow.equals("?")) {
            throw new IllegalArgumentException("exactly one of day-of-month and day-of-week must be ?");
        }
        DayRule days = dow.equals("?") ? daysOfMonth(dom) : daysOfWeek(dow);
        return new CronExpression(field(parts[0], 0, 59, List.of(), 0), field(parts[1], 0, 23, List.of(), 0), days,
                field(parts[3].toUpperCase(Locale.ROOT), 1, 12, MONTHS, 1),
                field(parts[5], MIN_YEAR, MAX_YEAR, List.of(), 0));
    }

    private static DayRule daysOfMonth(String field) {
        boolean last = false;
        boolean lastWeekday = false;
        int nearest = 0;
        BitSet plain = new BitSet();
        for (String item : field.split(",", -1)) {
            if (item.equals("L")) {
                last = true;
            } else if (item.equals("LW")) {
                lastWeekday = true;
            } else if (item.endsWith("W")) {
                nearest = number(item.substring(0, item.length() - 1), 1, 31, List.of(), 0);
            } else {
                plain.or(field(item, 1, 31, List.of(), 0));
            }
        }
        return new DaysOfMonth(plain, last, lastWeekday, nearest);
    }

    private static DayRule daysOfWeek(String field) {
        int lastOf = 0;
        int nthOf = 0;
        int nth = 0;
        BitSet plain = new BitSet();
        for (String item : field.split(",", -1)) {
            if (item.equals("L")) {
                lastOf = 7; // the last day of the week: Saturday
            } else if (item.endsWith("L")) {
                lastOf = number(item.substring(0, item.length() - 1), 1, 7, DAYS, 1);
            } else if (item.contains("#")) {
                String[] split = item.split("#", -1);
                nthOf = number(split[0], 1, 7, DAYS, 1);
                nth = number(split[1], 1, 5, List.of(), 0);
            } else {
                plain.or(field(item, 1, 7, DAYS, 1));
            }
        }
        return new DaysOfWeek(plain, lastOf, nthOf, nth);
    }

    /** A list of {@code *}, values, ranges and increments between {@code min} and {@code max}. */
    private static BitSet field(String text, int min, int max, List<String> names, int firstNameValue) {
        BitSet set = new BitSet();
        for (String item : text.split(",", -1)) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(item.substring(slash + 1), 1, max, List.of(), 0);
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                from = number(range.substring(0, range.indexOf('-')), min, max, names, firstNameValue);
                to = number(range.substring(range.indexOf('-') + 1), min, max, names, firstNameValue);
                if (from > to) {
                    throw new IllegalArgumentException("range " + range + " runs backwards");
                }
            } else {
                from = number(range, min, max, names, firstNameValue);
                to = slash >= 0 ? max : from;
            }
            for (int value = from; value <= to; value += step) {
                set.set(value);
            }
        }
        return set;
    }

    private static int number(String text, int min, int max, List<String> names, int firstNameValue) {
        int named = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return named + firstNameValue;
        }
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not a number: " + text);
        }
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is outside " + min + "-" + max);
        }
        return value;
    }

    private static int cronDayOf(DayOfWeek day) {
        return day.getValue() % 7 + 1; // SUNDAY (7) -> 1, MONDAY (1) -> 2, ... SATURDAY (6) -> 7
    }

    /** The first fire time strictly after {@code after}, in {@code zone}; empty when there is none before 2200. */
    Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        LocalDateTime start = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES);
        LocalDate date = start.toLocalDate();
        boolean firstDay = true;
        while (date.getYear() <= MAX_YEAR) {
            if (!years.get(date.getYear())) {
                date = LocalDate.of(date.getYear() + 1, 1, 1);
                firstDay = false;
                continue;
            }
            if (!months.get(date.getMonthValue())) {
                date = date.with(TemporalAdjusters.firstDayOfNextMonth());
                firstDay = false;
                continue;
            }
            if (days.matches(date)) {
                for (int hour = hours.nextSetBit(0); hour >= 0; hour = hours.nextSetBit(hour + 1)) {
                    if (firstDay && hour < start.getHour()) {
                        continue;
                    }
                    for (int minute = minutes.nextSetBit(0); minute >= 0; minute = minutes.nextSetBit(minute + 1)) {
                        LocalDateTime local = LocalDateTime.of(date, LocalTime.of(hour, minute));
                        if (local.isBefore(start) || zone.getRules().getValidOffsets(local).isEmpty()) {
                            continue; // before the start, or skipped by a daylight saving change
                        }
                        Instant candidate = ZonedDateTime.ofLocal(local, zone, null).toInstant(); // earlier offset of an overlap
                        if (candidate.isAfter(after)) {
                            return Optional.of(candidate);
                        }
                    }
                }
            }
            date = date.plusDays(1);
            firstDay = false;
        }
        return Optional.empty();
    }
}
