package dev.hearth.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settings of {@link ColdStartBackends}, from its command line. Immutable.
 *
 * @param rounds measured rounds; each takes one sample of every variant (after one discarded round)
 * @param backends the {@code hearth server --sandbox} backends compared, one server each
 * @param microvmSamples cold starts of the {@code microvm} backend, spread evenly over the rounds
 *     (seconds each under software emulation); 0 leaves it out
 * @param memoryMb the no-op function's MemorySize; backends that enforce Lambda's CPU share (1,769 MB =
 *     one vCPU) give it a CPU quota in proportion
 * @param serverJar Hearth's server jar
 * @param hearthJavaOptions extra JVM options for every Hearth server, space-separated
 * @param output where the Markdown results are written as well as printed, if anywhere
 * @param layers 0, or how many layers ({@link #LAYER_FILES} python modules each) a second variant
 *     of every backend's function has: cold start with layers against none, on the same server
 */
public record ColdStartOptions(int rounds, List<String> backends, int microvmSamples, int memoryMb, Path serverJar, String hearthJavaOptions,
        Optional<Path> output, int layers) {

    static final String MICROVM = "microvm";
    /** Files in each benchmark layer. */
    static final int LAYER_FILES = 200;
    static final String USAGE = """
            usage: ColdStartBackends [--rounds 15] [--backends process,namespace,gvisor] [--microvm-samples 0] [--memory-mb 128]
                                     [--server-jar server/hearth-server/target/hearth-server.jar]
                                     [--hearth-java-options '...'] [--output results.md] [--layers 0]""";

    public ColdStartOptions {
        backends = List.copyOf(backends);
        if (rounds < 1 || microvmSamples < 0 || microvmSamples > rounds) {
            throw new IllegalArgumentException("--rounds must be positive and --microvm-samples between 0 and the rounds\n" + USAGE);
        }
        if (memoryMb < 128 || memoryMb > 10240) {
            throw new IllegalArgumentException("--memory-mb must be between 128 and 10240, as Lambda's MemorySize\n" + USAGE);
        }
        if (layers < 0 || layers > 5) {
            throw new IllegalArgumentException("--layers must be between 0 and 5, Lambda's limit per function\n" + USAGE);
        }
        if (backends.isEmpty() || backends.stream().distinct().count() != backends.size()) {
            throw new IllegalArgumentException("--backends needs at least one backend, each once: " + backends + "\n" + USAGE);
        }
        if (backends.contains(MICROVM)) {
            throw new IllegalArgumentException("the microvm backend is measured with --microvm-samples N, not --backends\n" + USAGE);
        }
    }

    public static ColdStartOptions defaults() {
        return new ColdStartOptions(15, List.of("process", "namespace", "gvisor"), 0, 128,
                Path.of("server/hearth-server/target/hearth-server.jar"), "", Optional.empty(), 0);
    }

    /** Parses {@code --name value} pairs over {@link #defaults()}. */
    public static ColdStartOptions parse(String... args) {
        ColdStartOptions o = defaults();
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value\n" + USAGE);
        }
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            o = switch (args[i]) {
                case "--rounds" -> new ColdStartOptions(Integer.parseInt(value), o.backends, o.microvmSamples, o.memoryMb, o.serverJar,
                        o.hearthJavaOptions, o.output, o.layers);
                case "--backends" -> new ColdStartOptions(o.rounds, new ArrayList<>(List.of(value.split(","))), o.microvmSamples,
                        o.memoryMb, o.serverJar, o.hearthJavaOptions, o.output, o.layers);
                case "--microvm-samples" -> new ColdStartOptions(o.rounds, o.backends, Integer.parseInt(value), o.memoryMb, o.serverJar,
                        o.hearthJavaOptions, o.output, o.layers);
                case "--memory-mb" -> new ColdStartOptions(o.rounds, o.backends, o.microvmSamples, Integer.parseInt(value), o.serverJar,
                        o.hearthJavaOptions, o.output, o.layers);
                case "--server-jar" -> new ColdStartOptions(o.rounds, o.backends, o.microvmSamples, o.memoryMb, Path.of(value),
                        o.hearthJavaOptions, o.output, o.layers);
                case "--hearth-java-options" -> new ColdStartOptions(o.rounds, o.backends, o.microvmSamples, o.memoryMb, o.serverJar, value,
                        o.output, o.layers);
                case "--output" -> new ColdStartOptions(o.rounds, o.backends, o.microvmSamples, o.memoryMb, o.serverJar, o.hearthJavaOptions,
                        Optional.of(Path.of(value)), o.layers);
                case "--layers" -> new ColdStartOptions(o.rounds, o.backends, o.microvmSamples, o.memoryMb, o.serverJar,
                        o.hearthJavaOptions, o.output, Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            };
        }
        return o;
    }

    /** The python no-op with {@link #memoryMb()}. */
    NoopFunction function() {
        NoopFunction python = NoopFunction.python();
        return new NoopFunction(python.runtime(), python.handler(), memoryMb, python.files());
    }

    /** Every backend a server is started for: {@link #backends()}, then {@code microvm} when sampled. */
    List<String> servers() {
        List<String> all = new ArrayList<>(backends);
        if (microvmSamples > 0) {
            all.add(MICROVM);
        }
        return List.copyOf(all);
    }

    /**
     * Whether {@code backend} takes a sample in measured round {@code round} (0-based): every backend
     * in every round, except {@code microvm}, whose samples fall on rounds spread evenly from the first.
     */
    boolean samples(String backend, int round) {
        if (!backend.equals(MICROVM)) {
            return true;
        }
        for (int i = 0; i < microvmSamples; i++) {
            if ((long) i * rounds / microvmSamples == round) {
                return true;
            }
        }
        return false;
    }

    /** The exec-maven-plugin arguments that reproduce these options. */
    String commandLine() {
        return "--rounds " + rounds + " --backends " + String.join(",", backends) + " --microvm-samples " + microvmSamples
                + " --memory-mb " + memoryMb + (layers == 0 ? "" : " --layers " + layers);
    }
}
