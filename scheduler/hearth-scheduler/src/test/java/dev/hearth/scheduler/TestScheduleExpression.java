package dev.hearth.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TestScheduleExpression {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");

    private static List<Instant> fires(String expression, ZoneId zone, Instant after, int count) {
        ScheduleExpression parsed = ScheduleExpression.parse(expression);
        List<Instant> fires = new ArrayList<>();
        Instant at = after;
        for (int i = 0; i < count; i++) {
            Optional<Instant> next = parsed.nextAfter(at, zone, ANCHOR);
            if (next.isEmpty()) {
                break;
            }
            fires.add(next.get());
            at = next.get();
        }
        return fires;
    }

    @Test
    void cronEveryFifteenMinutesOnWeekdays() {
        // 2026-03-06 is a Friday: after 23:50 the next fires are Monday's
        assertThat(fires("cron(0/15 * ? * MON-FRI *)", UTC, Instant.parse("2026-03-06T23:40:00Z"), 3)).containsExactly(
                Instant.parse("2026-03-06T23:45:00Z"), Instant.parse("2026-03-09T00:00:00Z"),
                Instant.parse("2026-03-09T00:15:00Z"));
    }

    @Test
    void cronFiresStrictlyAfterItsStart() {
        assertThat(fires("cron(30 10 * * ? *)", UTC, Instant.parse("2026-05-01T10:30:00Z"), 1))
                .containsExactly(Instant.parse("2026-05-02T10:30:00Z"));
        assertThat(fires("cron(30 10 * * ? *)", UTC, Instant.parse("2026-05-01T10:29:59.999Z"), 1))
                .containsExactly(Instant.parse("2026-05-01T10:30:00Z"));
    }

    @Test
    void cronLastDayOfMonthIncludingLeapFebruary() {
        assertThat(fires("cron(0 12 L * ? *)", UTC, Instant.parse("2028-01-15T00:00:00Z"), 3)).containsExactly(
                Instant.parse("2028-01-31T12:00:00Z"), Instant.parse("2028-02-29T12:00:00Z"),
                Instant.parse("2028-03-31T12:00:00Z"));
    }

    @Test
    void cronNearestWeekday() {
        // 2026-08-01 is a Saturday: 1W is Monday the 3rd (never July 31st); 2026-05-15 is a Friday
        assertThat(fires("cron(0 9 1W * ? *)", UTC, Instant.parse("2026-07-15T00:00:00Z"), 1))
                .containsExactly(Instant.parse("2026-08-03T09:00:00Z"));
        assertThat(fires("cron(0 9 15W * ? 2026)", UTC, Instant.parse("2026-05-01T00:00:00Z"), 1))
                .containsExactly(Instant.parse("2026-05-15T09:00:00Z"));
        // the last weekday of May 2026 (the 31st is a Sunday) is Friday the 29th
        assertThat(fires("cron(0 9 LW * ? *)", UTC, Instant.parse("2026-05-01T00:00:00Z"), 1))
                .containsExactly(Instant.parse("2026-05-29T09:00:00Z"));
    }

    @Test
    void cronNthAndLastWeekdayOfMonth() {
        // the second Tuesday (3#2) and the last Friday (6L) of March 2026
        assertThat(fires("cron(0 8 ? MAR 3#2 2026)", UTC, Instant.parse("2026-01-01T00:00:00Z"), 2))
                .containsExactly(Instant.parse("2026-03-10T08:00:00Z"));
        assertThat(fires("cron(0 8 ? * 6L *)", UTC, Instant.parse("2026-03-01T00:00:00Z"), 2))
                .containsExactly(Instant.parse("2026-03-27T08:00:00Z"), Instant.parse("2026-04-24T08:00:00Z"));
    }

    @Test
    void cronYearsAndNamedMonths() {
        assertThat(fires("cron(0 0 1 JAN,JUL ? 2027-2028)", UTC, ANCHOR, 10)).containsExactly(
                Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2027-07-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"), Instant.parse("2028-07-01T00:00:00Z"));
    }

    @Test
    void cronInATimeZoneAcrossSpringForward() {
        // New York skips 02:00-03:00 on 2026-03-08: the 02:30 fire of that day does not happen
        assertThat(fires("cron(30 2 * * ? *)", NEW_YORK, Instant.parse("2026-03-07T00:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-03-07T07:30:00Z"), // 02:30 EST
                Instant.parse("2026-03-09T06:30:00Z"), // 02:30 EDT
                Instant.parse("2026-03-10T06:30:00Z"));
        // a daily 09:00 keeps its local time across the change: 14:00 UTC before, 13:00 UTC after
        assertThat(fires("cron(0 9 * * ? *)", NEW_YORK, Instant.parse("2026-03-07T00:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-03-07T14:00:00Z"), Instant.parse("2026-03-08T13:00:00Z"));
    }

    @Test
    void cronInATimeZoneAcrossFallBackFiresOnce() {
        // 01:30 occurs twice in New York on 2026-11-01: it fires at the first (EDT) only
        assertThat(fires("cron(30 1 * * ? *)", NEW_YORK, Instant.parse("2026-10-31T12:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z"),
                Instant.parse("2026-11-03T06:30:00Z"));
        // every 30 minutes through the repeated hour: 01:00 and 01:30 once each (EDT), then 02:00 EST
        assertThat(fires("cron(0/30 1-2 1 NOV ? 2026)", NEW_YORK, Instant.parse("2026-11-01T04:00:00Z"), 5)).containsExactly(
                Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-01T05:30:00Z"),
                Instant.parse("2026-11-01T07:00:00Z"), Instant.parse("2026-11-01T07:30:00Z"));
    }

    @Test
    void invalidCronExpressionsAreRefused() {
        for (String bad : List.of("cron(* * * * * *)", "cron(0 12 ? * ? *)", "cron(0 12 * *)", "cron(60 * * * ? *)",
                "cron(0 24 * * ? *)", "cron(0 0 32 * ? *)", "cron(0 0 ? * 8 *)", "cron(0 0 1 13 ? *)",
                "cron(0 0 1 1 ? 2200)", "cron(5-1 * * * ? *)", "cron(a * * * ? *)")) {
            assertThatThrownBy(() -> ScheduleExpression.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rateFiresEveryPeriodFromItsAnchor() {
        assertThat(fires("rate(1 minute)", UTC, ANCHOR.minusSeconds(1), 3)).containsExactly(ANCHOR,
                ANCHOR.plusSeconds(60), ANCHOR.plusSeconds(120));
        assertThat(fires("rate(2 hours)", UTC, ANCHOR.plus(Duration.ofMinutes(200)), 1))
                .containsExactly(ANCHOR.plus(Duration.ofHours(4)));
        assertThat(ScheduleExpression.parse("rate(3 days)")).isEqualTo(new ScheduleExpression.Rate(Duration.ofDays(3)));
        for (String bad : List.of("rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(1 week)", "rate(-1 day)")) {
            assertThatThrownBy(() -> ScheduleExpression.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void atFiresOnceInItsZone() {
        assertThat(fires("at(2026-07-04T09:00:00)", NEW_YORK, ANCHOR, 5)).containsExactly(Instant.parse("2026-07-04T13:00:00Z"));
        assertThat(fires("at(2026-07-04T09:00:00)", UTC, Instant.parse("2026-07-04T09:00:00Z"), 5)).isEmpty();
        assertThat(ScheduleExpression.parse("at(2026-07-04T09:00:00)").oneTime()).isTrue();
        assertThatThrownBy(() -> ScheduleExpression.parse("at(2026-02-30T09:00:00)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduleExpression.parse("at(2026-07-04 09:00)")).isInstanceOf(IllegalArgumentException.class);
    }
}
