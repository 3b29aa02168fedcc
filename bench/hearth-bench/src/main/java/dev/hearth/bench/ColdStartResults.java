package dev.hearth.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link ColdStartBackends} run measured, per variant, rendered as Markdown with the ratio
 * to the bare bootstrap that VISION.md's cold-start target is stated in. Backends that could not
 * start, or that failed part-way, are listed with the reason. Not thread-safe.
 */
final class ColdStartResults {
    /** VISION.md: namespace cold start under 1.5× the bare interpreter with the bootstrap. */
    static final double NAMESPACE_TARGET = 1.5;
    static final String NAMESPACE = "namespace";

    private record Row(String backend, int layers, List<Long> nanos, List<Long> initNanos) {}

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private final Map<String, String> failed = new LinkedHashMap<>();
    private String baseline = "";

    /** Adds a row for {@code variant}, in the order rows are shown. */
    void variant(ColdVariant variant) {
        int layers = variant instanceof ColdVariant.Hearth h ? h.layerArns().size() : 0;
        String backend = switch (variant) {
            case ColdVariant.Hearth h -> h.backend();
            case ColdVariant.BareBootstrap b -> {
                baseline = b.label();
                yield "";
            }
            case ColdVariant.BarePass _ -> "";
        };
        rows.put(variant.label(), new Row(backend, layers, new ArrayList<>(), new ArrayList<>()));
    }

    void sample(ColdVariant variant, ColdVariant.Sample sample) {
        Row row = rows.get(variant.label());
        row.nanos().add(sample.nanos());
        sample.initNanos().ifPresent(row.initNanos()::add);
    }

    /** {@code backend}'s server did not start: it is not selectable or not usable on this host. */
    void unavailable(String backend, String reason) {
        unavailable.put(backend, reason);
    }

    /** {@code backend} failed during the run; its samples so far are kept but marked. */
    void failed(String backend, String reason) {
        failed.put(backend, reason);
    }

    /** The median cold start of {@code backend} divided by the bare bootstrap's, if both were measured. */
    Optional<Double> ratio(String backend) {
        Optional<LatencySamples> base = samples(baseline);
        return median(backend, 0).flatMap(m -> base.map(b -> m / b.percentileMillis(50)));
    }

    /** The median cold start of {@code backend}'s functions with {@code layers} layers, if measured. */
    private Optional<Double> median(String backend, int layers) {
        return rows.entrySet().stream()
                .filter(e -> e.getValue().backend().equals(backend) && e.getValue().layers() == layers).findFirst()
                .flatMap(e -> samples(e.getKey())).map(s -> s.percentileMillis(50));
    }

    /** The median cold start of {@code backend} with {@code layers} layers divided by its median without, if both were measured. */
    Optional<Double> layersRatio(String backend, int layers) {
        return median(backend, layers).flatMap(with -> median(backend, 0).map(without -> with / without));
    }

    private Optional<LatencySamples> samples(String label) {
        Row row = rows.get(label);
        return row == null || row.nanos().isEmpty() ? Optional.empty() : Optional.of(of(row.nanos()));
    }

    String markdown(Instant started, MachineDescription machine, String loadAtEnd, ColdStartOptions options) {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(" on ").append(machine.summary()).append("; 1-min load average ")
                .append(loadAtEnd).append(" at the end.\n\n");
        md.append("Options: `").append(options.commandLine()).append("`.\n\n");
        md.append("Cold start of a python3.12 no-op (").append(options.memoryMb()).append(" MB), ").append(options.rounds())
                .append(" interleaved rounds after one discarded (each round one sample of every variant, order rotated"
                        + " per round), milliseconds; Init Duration from the REPORT line:\n\n");
        md.append("| variant | samples | median | p90 | median ÷ bare bootstrap | Init Duration median | Init Duration p90 |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Optional<LatencySamples> base = samples(baseline);
        rows.forEach((label, row) -> {
            Optional<LatencySamples> s = samples(label);
            if (s.isEmpty()) {
                md.append("| ").append(label).append(" | 0 |  |  |  |  |  |\n");
                return;
            }
            LatencySamples t = s.get();
            String init = row.initNanos().isEmpty() ? " |  |  |" : String.format(Locale.ROOT, " | %.1f | %.1f |",
                    of(row.initNanos()).percentileMillis(50), of(row.initNanos()).percentileMillis(90));
            md.append(String.format(Locale.ROOT, "| %s%s | %d | %.1f | %.1f | %s", label,
                    failed.containsKey(row.backend()) ? " (failed part-way)" : "", t.count(), t.percentileMillis(50),
                    t.percentileMillis(90), base.map(b -> String.format(Locale.ROOT, "%.2f", t.percentileMillis(50)
                            / b.percentileMillis(50))).orElse(""))).append(init).append('\n');
        });
        if (!unavailable.isEmpty() || !failed.isEmpty()) {
            md.append('\n');
            unavailable.forEach((backend, reason) -> md.append("- `").append(backend).append("` not measured: its server did not"
                    + " start: ").append(reason).append('\n'));
            failed.forEach((backend, reason) -> md.append("- `").append(backend).append("` failed during the run: ")
                    .append(reason).append('\n'));
        }
        List<Row> layered = rows.values().stream().filter(row -> row.layers() > 0).toList();
        if (!layered.isEmpty()) {
            md.append("\nLayers (each ").append(ColdStartOptions.LAYER_FILES).append(" python modules, merged at `/opt`):\n\n"
                    + "| backend | layers | median without | median with | with ÷ without |\n|---|---:|---:|---:|---:|\n");
            for (Row row : layered) {
                md.append("| ").append(row.backend()).append(" | ").append(row.layers()).append(" | ")
                        .append(median(row.backend(), 0).map(m -> String.format(Locale.ROOT, "%.1f", m)).orElse("")).append(" | ")
                        .append(median(row.backend(), row.layers()).map(m -> String.format(Locale.ROOT, "%.1f", m)).orElse(""))
                        .append(" | ").append(layersRatio(row.backend(), row.layers())
                                .map(r -> String.format(Locale.ROOT, "%.2f×", r)).orElse("")).append(" |\n");
            }
        }
        md.append("\nAgainst VISION.md's cold-start target:\n\n| backend | goal | measured (median ÷ bare bootstrap) | met |\n"
                + "|---|---|---|---|\n");
        Optional<Double> namespace = ratio(NAMESPACE);
        md.append("| namespace | < ").append(NAMESPACE_TARGET).append("× | ")
                .append(namespace.map(r -> String.format(Locale.ROOT, "%.2f×", r)).orElse("not measured"))
                .append(" | ").append(namespace.map(r -> r < NAMESPACE_TARGET ? "yes" : "**no**").orElse("—")).append(" |\n");
        return md.toString();
    }

    private static LatencySamples of(List<Long> nanos) {
        return LatencySamples.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }
}
