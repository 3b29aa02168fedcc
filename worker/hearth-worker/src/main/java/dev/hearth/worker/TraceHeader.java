package dev.hearth.worker;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The X-Ray trace header a runtime gets with each invocation ({@code Lambda-Runtime-Trace-Id}, which
 * runtimes expose as {@code _X_AMZN_TRACE_ID}):
 * {@code Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>}.
 *
 * <p>As on Lambda, a caller's {@code X-Amzn-Trace-Id} is continued: its {@code Root} is kept, the
 * {@code Parent} is a new segment id (the function's), and a sampling decision it carries
 * ({@code Sampled=0} or {@code 1}) is respected in either mode. Without one (no header, or
 * {@code Sampled=?}), {@link TracingMode#ACTIVE} samples and {@link TracingMode#PASS_THROUGH} does
 * not. (Lambda's Active mode samples a rate set by X-Ray, by default the first request each second
 * and 5% of the rest; Hearth, which records no traces, samples every such invocation.) A header
 * without a well-formed {@code Root} is ignored.
 */
final class TraceHeader {
    private static final Pattern ROOT = Pattern.compile("1-[0-9a-f]{8}-[0-9a-f]{24}");

    private TraceHeader() {}

    static String forInvocation(Optional<String> callerHeader, TracingMode mode, Instant now, RandomGenerator random) {
        String root = null;
        String sampled = null;
        if (callerHeader.isPresent()) {
            for (String field : callerHeader.get().split(";")) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = field.substring(eq + 1).trim();
                switch (key) {
                    case "root" -> root = value.toLowerCase(Locale.ROOT);
                    case "sampled" -> sampled = value;
                    default -> { }
                }
            }
        }
        if (root == null || !ROOT.matcher(root).matches()) {
            root = String.format(Locale.ROOT, "1-%08x-%012x%012x", now.getEpochSecond(),
                    random.nextLong(1L << 48), random.nextLong(1L << 48));
            sampled = null;
        }
        boolean sample = "1".equals(sampled) || (!"0".equals(sampled) && mode == TracingMode.ACTIVE);
        return "Root=" + root + String.format(Locale.ROOT, ";Parent=%016x", random.nextLong()) + ";Sampled=" + (sample ? "1" : "0");
    }
}
