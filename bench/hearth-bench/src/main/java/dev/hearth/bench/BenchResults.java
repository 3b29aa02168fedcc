package dev.hearth.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one benchmark run measured, rendered as Markdown with the ratios VISION.md's targets are
 * stated in. Filled by {@link InvokeBenchmark} in the order phases run; not thread-safe.
 */
final class BenchResults {
    static final String ECHO = "echo (bare Jetty)";

    private final Instant started;
    private final MachineDescription machine;
    private final BenchOptions options;
    private final Map<String, LatencySamples> sequential = new LinkedHashMap<>();
    private final Map<String, LatencySamples> insideSandbox = new LinkedHashMap<>();
    private final Map<String, Throughput> concurrent = new LinkedHashMap<>();
    private final Map<String, ProcessCpu.Snapshot> cpuUsed = new LinkedHashMap<>();
    private final Map<String, LatencySamples> cold = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private Optional<LatencySamples> initDurations = Optional.empty();
    private Optional<LatencySamples> reportDurations = Optional.empty();
    private String hearthCold = "";
    private String bootstrapBaseline = "";

    BenchResults(Instant started, MachineDescription machine, BenchOptions options) {
        this.started = started;
        this.machine = machine;
        this.options = options;
    }

    void sequential(String target, LatencySamples samples) {
        sequential.put(target, samples);
    }

    /** REPORT Durations of warm invokes of {@code target}: the part of the latency spent in the sandbox. */
    void insideSandbox(String target, LatencySamples durations) {
        insideSandbox.put(target, durations);
    }

    void concurrent(String target, Throughput throughput, ProcessCpu.Snapshot cpu) {
        concurrent.put(target, throughput);
        cpuUsed.put(target, cpu);
    }

    void cold(String variant, LatencySamples samples) {
        cold.put(variant, samples);
    }

    /** Marks which cold variants the cold-start target compares. */
    void coldComparison(String hearthVariant, String baselineVariant) {
        hearthCold = hearthVariant;
        bootstrapBaseline = baselineVariant;
    }

    void reported(LatencySamples initDurationsNanos, LatencySamples durationsNanos) {
        initDurations = Optional.of(initDurationsNanos);
        reportDurations = Optional.of(durationsNanos);
    }

    void note(String note) {
        notes.add(note);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(" on ").append(machine.summary()).append(".\n\n");
        md.append("Options: `").append(options.commandLine()).append("`; payload `").append(options.payload()).append("`.\n\n");
        LatencySamples echo = sequential.get(ECHO);
        md.append("Warm latency, one client sending back to back (")
                .append(options.measure().toSeconds()).append(" s measured per target in ").append(options.rounds())
                .append(" interleaved slices, after ").append(options.warmUp().toSeconds())
                .append(" s warm-up), milliseconds; \"added\" = target − echo at the same percentile:\n\n");
        md.append("| target | requests | p50 | p90 | p99 | added p50 | added p90 | added p99 |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        sequential.forEach((name, s) -> md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %s | %s | %s |%n",
                name, s.count(), s.percentileMillis(50), s.percentileMillis(90), s.percentileMillis(99),
                added(s, echo, 50), added(s, echo, 90), added(s, echo, 99))));
        if (!insideSandbox.isEmpty()) {
            md.append("\nWhere the added latency goes: REPORT Duration (the runtime received the event → Hearth received its "
                    + "response) of 500 further warm invokes with `X-Amz-Log-Type: Tail`, milliseconds; the rest of the added "
                    + "latency is Hearth's frontend, worker and Runtime API hand-offs:\n\n");
            md.append("| target | Duration p50 | p90 | p99 | added p50 outside the sandbox |\n|---|---:|---:|---:|---:|\n");
            insideSandbox.forEach((name, d) -> {
                LatencySamples total = sequential.get(name);
                md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f |%n", name, d.percentileMillis(50),
                        d.percentileMillis(90), d.percentileMillis(99),
                        total.percentileMillis(50) - echo.percentileMillis(50) - d.percentileMillis(50)));
            });
        }
        md.append("\nThroughput, ").append(options.connections()).append(" concurrent keep-alive clients (")
                .append(options.measure().toSeconds()).append(" s measured after ").append(options.warmUp().toSeconds())
                .append(" s warm-up):\n\n");
        md.append("| target | requests | requests/s | fraction of echo | CPU µs per request: driver | server JVM | sandboxes | total |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Throughput echoRate = concurrent.get(ECHO);
        concurrent.forEach((name, t) -> {
            ProcessCpu.Snapshot cpu = cpuUsed.get(name);
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %.0f | %.0f | %.0f | %.0f |%n", name, t.requests(),
                    t.perSecond(), echoRate == null ? "" : String.format(Locale.ROOT, "%.3f", t.perSecond() / echoRate.perSecond()),
                    micros(cpu.driver(), t), micros(cpu.server(), t), micros(cpu.children(), t),
                    micros(cpu.driver().plus(cpu.server()).plus(cpu.children()), t)));
        });
        md.append("\n(CPU time from /proc/PID/stat over the measured part, 10 ms ticks; the server's sandboxes are its "
                + "descendant processes.)\n");
        md.append("\nCold start, ").append(options.coldSamples())
                .append(" samples per variant, interleaved (one of each per round), milliseconds:\n\n");
        md.append("| variant | median | p90 | median ÷ bootstrap baseline |\n|---|---:|---:|---:|\n");
        LatencySamples baseline = cold.get(bootstrapBaseline);
        cold.forEach((name, s) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s |%n", name,
                s.percentileMillis(50), s.percentileMillis(90),
                baseline == null ? "" : String.format(Locale.ROOT, "%.2f", s.percentileMillis(50) / baseline.percentileMillis(50)))));
        initDurations.ifPresent(init -> md.append(String.format(Locale.ROOT,
                "%nHearth's REPORT lines on those cold starts: Init Duration median %.1f ms, p90 %.1f ms; "
                        + "Duration median %.2f ms.%n", init.percentileMillis(50), init.percentileMillis(90),
                reportDurations.orElseThrow().percentileMillis(50))));
        md.append("\nAgainst VISION.md's targets:\n\n| target | goal | measured | met |\n|---|---|---|---|\n");
        String python = sequential.keySet().stream().filter(k -> k.contains("python")).findFirst().orElseThrow();
        LatencySamples py = sequential.get(python);
        double added50 = py.percentileMillis(50) - echo.percentileMillis(50);
        double added99 = py.percentileMillis(99) - echo.percentileMillis(99);
        md.append(String.format(Locale.ROOT, "| warm added latency p50 | < 1 ms | %.3f ms | %s |%n", added50, yes(added50 < 1)));
        md.append(String.format(Locale.ROOT, "| warm added latency p99 | < 5 ms | %.3f ms | %s |%n", added99, yes(added99 < 5)));
        Throughput hearthRate = concurrent.get(concurrent.keySet().stream().filter(k -> !k.equals(ECHO)).findFirst().orElseThrow());
        double fraction = hearthRate.perSecond() / echoRate.perSecond();
        md.append(String.format(Locale.ROOT, "| throughput vs echo | ≥ 0.333 | %.3f | %s |%n", fraction, yes(fraction >= 1.0 / 3)));
        double coldRatio = cold.get(hearthCold).percentileMillis(50) / baseline.percentileMillis(50);
        md.append(String.format(Locale.ROOT, "| cold start vs bare interpreter with bootstrap (median) | < 1.5× | %.2f× | %s |%n",
                coldRatio, yes(coldRatio < 1.5)));
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static String added(LatencySamples target, LatencySamples echo, double percentile) {
        if (echo == null || target == echo) {
            return "";
        }
        return String.format(Locale.ROOT, "%.3f", target.percentileMillis(percentile) - echo.percentileMillis(percentile));
    }

    private static double micros(java.time.Duration cpu, Throughput t) {
        return cpu.toNanos() / 1000.0 / Math.max(1, t.requests());
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }
}
