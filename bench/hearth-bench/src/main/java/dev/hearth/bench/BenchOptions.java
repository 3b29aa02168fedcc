package dev.hearth.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The benchmark's settings, from its command line. Immutable.
 *
 * @param measure length of each measured phase
 * @param warmUp length of the discarded warm-up before each phase
 * @param rounds sequential phases are split into this many slices, the targets taking turns
 * @param connections concurrent clients in the throughput phases
 * @param coldSamples cold starts measured per variant (after two discarded ones)
 * @param runtimes runtime families whose warm latency is measured: python, node, java
 * @param sandbox Hearth's isolation backend ({@code --sandbox} of {@code hearth server})
 * @param serverJar Hearth's server jar
 * @param payload the request body of every warm invoke
 * @param hearthJavaOptions extra JVM options for the Hearth server (a profiler, for example), space-separated
 * @param output where the Markdown results are written as well as printed, if anywhere
 */
public record BenchOptions(Duration measure, Duration warmUp, int rounds, int connections, int coldSamples, List<String> runtimes,
        String sandbox, Path serverJar, String payload, String hearthJavaOptions, Optional<Path> output) {

    static final String USAGE = """
            usage: InvokeBenchmark [--seconds 10] [--warmup-seconds 3] [--rounds 2] [--connections 8] [--cold-samples 20]
                                   [--runtimes python,node,java] [--sandbox process]
                                   [--server-jar server/hearth-server/target/hearth-server.jar]
                                   [--payload '{"hello":"world"}'] [--hearth-java-options '-XX:StartFlightRecording=...']
                                   [--output results.md]""";

    public BenchOptions {
        runtimes = List.copyOf(runtimes);
        for (String runtime : runtimes) {
            if (!List.of("python", "node", "java").contains(runtime)) {
                throw new IllegalArgumentException("unknown runtime family " + runtime + " (python, node, java)\n" + USAGE);
            }
        }
        if (!runtimes.contains("python")) {
            throw new IllegalArgumentException("--runtimes must include python: the throughput and cold-start phases use it");
        }
        if (rounds < 1 || connections < 1 || coldSamples < 1 || measure.isZero() || measure.isNegative() || warmUp.isNegative()) {
            throw new IllegalArgumentException("connections, cold samples and seconds must be positive\n" + USAGE);
        }
    }

    public static BenchOptions defaults() {
        return new BenchOptions(Duration.ofSeconds(10), Duration.ofSeconds(3), 2, 8, 20, List.of("python", "node", "java"),
                "process", Path.of("server/hearth-server/target/hearth-server.jar"), "{\"hello\":\"world\"}", "", Optional.empty());
    }

    /** Parses {@code --name value} pairs over {@link #defaults()}. */
    public static BenchOptions parse(String... args) {
        BenchOptions o = defaults();
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value\n" + USAGE);
        }
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            o = switch (args[i]) {
                case "--seconds" -> o.with(Duration.ofSeconds(Long.parseLong(value)), o.warmUp, o.connections, o.coldSamples, o.runtimes);
                case "--warmup-seconds" -> o.with(o.measure, Duration.ofSeconds(Long.parseLong(value)), o.connections, o.coldSamples, o.runtimes);
                case "--rounds" -> new BenchOptions(o.measure, o.warmUp, Integer.parseInt(value), o.connections, o.coldSamples,
                        o.runtimes, o.sandbox, o.serverJar, o.payload, o.hearthJavaOptions, o.output);
                case "--connections" -> o.with(o.measure, o.warmUp, Integer.parseInt(value), o.coldSamples, o.runtimes);
                case "--cold-samples" -> o.with(o.measure, o.warmUp, o.connections, Integer.parseInt(value), o.runtimes);
                case "--runtimes" -> o.with(o.measure, o.warmUp, o.connections, o.coldSamples, new ArrayList<>(List.of(value.split(","))));
                case "--sandbox" -> new BenchOptions(o.measure, o.warmUp, o.rounds, o.connections, o.coldSamples, o.runtimes, value,
                        o.serverJar, o.payload, o.hearthJavaOptions, o.output);
                case "--server-jar" -> new BenchOptions(o.measure, o.warmUp, o.rounds, o.connections, o.coldSamples, o.runtimes, o.sandbox,
                        Path.of(value), o.payload, o.hearthJavaOptions, o.output);
                case "--payload" -> new BenchOptions(o.measure, o.warmUp, o.rounds, o.connections, o.coldSamples, o.runtimes, o.sandbox,
                        o.serverJar, value, o.hearthJavaOptions, o.output);
                case "--output" -> new BenchOptions(o.measure, o.warmUp, o.rounds, o.connections, o.coldSamples, o.runtimes, o.sandbox,
                        o.serverJar, o.payload, o.hearthJavaOptions, Optional.of(Path.of(value)));
                case "--hearth-java-options" -> new BenchOptions(o.measure, o.warmUp, o.rounds, o.connections, o.coldSamples,
                        o.runtimes, o.sandbox, o.serverJar, o.payload, value, o.output);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            };
        }
        return o;
    }

    private BenchOptions with(Duration measure, Duration warmUp, int connections, int coldSamples, List<String> runtimes) {
        return new BenchOptions(measure, warmUp, rounds, connections, coldSamples, runtimes, sandbox, serverJar, payload, hearthJavaOptions, output);
    }

    /** The exec-maven-plugin arguments that reproduce these options. */
    public String commandLine() {
        return "--seconds " + measure.toSeconds() + " --warmup-seconds " + warmUp.toSeconds() + " --rounds " + rounds + " --connections " + connections
                + " --cold-samples " + coldSamples + " --runtimes " + String.join(",", runtimes) + " --sandbox " + sandbox;
    }
}
