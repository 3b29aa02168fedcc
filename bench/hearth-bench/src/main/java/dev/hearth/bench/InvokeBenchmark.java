package dev.hearth.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The invoke-path benchmark (issue 3): in one run, on this machine, side by side
 * <ol>
 *   <li>warm no-op invokes through Hearth's Invoke API against a bare {@link EchoServer}, both in
 *       their own JVMs, driven by the same {@link HttpLoad} client: sequential latency percentiles
 *       and throughput with N concurrent connections;
 *   <li>cold starts of a python no-op ({@link HearthColdStart}) against starting the bare
 *       interpreter, alone and with Hearth's bootstrap against a stub Runtime API
 *       ({@link BareInterpreterStart}).
 * </ol>
 * The driver is this JVM's {@link KeepAliveConnection}s (the JDK's HttpClient was tried first and
 * failed under 8 concurrent clients with "Data received while in pool").
 * Prints the results as Markdown (and writes them to {@code --output} when given). Any failed
 * request ends the run with an exception.
 */
public final class InvokeBenchmark {
    private static final Pattern ECHO_LISTENING = Pattern.compile(Pattern.quote(EchoServer.LISTENING) + "(http://\\S+)");
    private static final int DISCARDED_COLD_SAMPLES = 2;
    private static final int DURATION_PROBES = 500;

    private final BenchOptions options;
    private final Clock clock;

    InvokeBenchmark(BenchOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        String markdown = new InvokeBenchmark(options, Clock.systemUTC()).run();
        System.out.println(markdown);
        if (options.output().isPresent()) {
            Files.writeString(options.output().get(), markdown, StandardCharsets.UTF_8);
        }
    }

    String run() throws Exception {
        BenchResults results = new BenchResults(clock.instant(), MachineDescription.current(), options);
        byte[] payload = options.payload().getBytes(StandardCharsets.UTF_8);
        try (ScratchDirectory dataDir = ScratchDirectory.create("hearth-bench-data");
                ScratchDirectory scratch = ScratchDirectory.create("hearth-bench-bare");
                ServerProcess echo = ServerProcess.startJava("echo", List.of("-cp", echoClassPath()),
                        List.of(EchoServer.class.getName()), ECHO_LISTENING);
                ServerProcess hearth = ServerProcess.startHearth("hearth", options.serverJar(), dataDir.path(),
                        options.sandbox(), hearthJvmOptions());
                HttpLoad load = new HttpLoad()) {
            URI echoEndpoint = echo.awaitEndpoint();
            URI hearthEndpoint = hearth.awaitEndpoint();
            log("echo at " + echoEndpoint + ", Hearth at " + hearthEndpoint + " (" + options.sandbox() + " sandboxes)");
            try (HearthFunctions functions = new HearthFunctions(hearthEndpoint)) {
                Map<String, HttpTarget> warmTargets = new LinkedHashMap<>();
                warmTargets.put(BenchResults.ECHO, new HttpTarget(BenchResults.ECHO, echoEndpoint.resolve("/echo"), Map.of()));
                for (String family : options.runtimes()) {
                    NoopFunction function = noop(family);
                    String name = "noop-" + family;
                    functions.create(name, function);
                    String display = "hearth " + function.runtime();
                    warmTargets.put(display, HttpTarget.hearthInvoke(display, hearthEndpoint, name));
                }
                warm(load, warmTargets, payload, results, echo.pid(), hearth.pid());
                cold(functions, load, hearthEndpoint, scratch.path(), payload, results);
            } catch (Exception | Error e) {
                log("Hearth's last output:\n" + String.join("\n", hearth.recentOutput()));
                throw e;
            }
        }
        results.note("Hearth and the echo server ran as separate JVMs (same java, default flags) with the load driver in a "
                + "third; all on loopback, on a machine shared with other work, so absolute numbers are noisy and the "
                + "ratios are what counts.");
        return results.markdown();
    }

    private void warm(HttpLoad load, Map<String, HttpTarget> targets, byte[] payload, BenchResults results, long echoPid,
            long hearthPid) throws Exception {
        // rounds interleave the targets, so that load from elsewhere on the machine hits them alike
        Map<String, List<LatencySamples>> rounds = new LinkedHashMap<>();
        Duration slice = options.measure().dividedBy(options.rounds());
        for (int round = 0; round < options.rounds(); round++) {
            for (HttpTarget target : targets.values()) {
                log("sequential, round " + (round + 1) + "/" + options.rounds() + ": " + target.name());
                rounds.computeIfAbsent(target.name(), k -> new ArrayList<>())
                        .add(load.sequential(target, payload, round == 0 ? options.warmUp() : Duration.ZERO, slice));
            }
        }
        rounds.forEach((name, parts) -> results.sequential(name, LatencySamples.merge(parts)));
        for (HttpTarget target : targets.values()) {
            if (!target.name().equals(BenchResults.ECHO)) {
                log("REPORT Duration probe: " + target.name());
                results.insideSandbox(target.name(), reportedDurations(load, target, payload));
            }
        }
        for (HttpTarget target : targets.values()) {
            long serverPid = target.name().equals(BenchResults.ECHO) ? echoPid : hearthPid;
            log("concurrent (" + options.connections() + "): " + target.name());
            ProcessCpu.Snapshot[] cpu = new ProcessCpu.Snapshot[2];
            Throughput throughput = load.concurrent(target, payload, options.connections(), options.warmUp(), options.measure(),
                    new HttpLoad.PhaseObserver() {
                        @Override
                        public void measuredPartStarts() throws IOException {
                            cpu[0] = ProcessCpu.snapshot(serverPid);
                        }

                        @Override
                        public void measuredPartEnded() throws IOException {
                            cpu[1] = ProcessCpu.snapshot(serverPid);
                        }
                    });
            results.concurrent(target.name(), throughput, cpu[1].since(cpu[0]));
        }
    }

    private void cold(HearthFunctions functions, HttpLoad load, URI hearthEndpoint, Path scratch, byte[] payload,
            BenchResults results) throws Exception {
        NoopFunction python = NoopFunction.python();
        HearthColdStart hearthCold = new HearthColdStart(functions, load, hearthEndpoint);
        BareInterpreterStart bare = new BareInterpreterStart(scratch, python);
        String hearthVariant = "Hearth invoke, new function (" + options.sandbox() + " backend)";
        String bootstrapVariant = "python3 bootstrap.py → stub Runtime API → response";
        String wrappedVariant = "same, wrapped as the process backend does (" + String.join(" ", wrapperNames()) + ")";
        String passVariant = "python3 -c pass";
        String importVariant = "python3 -c 'import json, socket'";
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        for (String variant : List.of(hearthVariant, bootstrapVariant, wrappedVariant, importVariant, passVariant)) {
            samples.put(variant, new ArrayList<>());
        }
        List<Long> initNanos = new ArrayList<>();
        List<Long> durationNanos = new ArrayList<>();
        log("cold starts: " + options.coldSamples() + " rounds");
        for (int round = -DISCARDED_COLD_SAMPLES; round < options.coldSamples(); round++) {
            HearthColdStart.Sample sample = hearthCold.sample(python, payload);
            long bootstrap = bare.bootstrap(List.of(), payload).nanos();
            long wrapped = bare.bootstrap(wrapper(), payload).nanos();
            long imports = bare.command(List.of(bare.python(), "-c", "import json, socket"));
            long pass = bare.command(List.of(bare.python(), "-c", "pass"));
            if (round < 0) {
                continue;
            }
            samples.get(hearthVariant).add(sample.nanos());
            samples.get(bootstrapVariant).add(bootstrap);
            samples.get(wrappedVariant).add(wrapped);
            samples.get(importVariant).add(imports);
            samples.get(passVariant).add(pass);
            initNanos.add(millisToNanos(sample.initDurationMs().orElseThrow(() -> new IllegalStateException(
                    "a cold invoke's REPORT line has no Init Duration"))));
            durationNanos.add(millisToNanos(sample.durationMs().orElseThrow(() -> new IllegalStateException(
                    "a cold invoke's REPORT line has no Duration"))));
        }
        samples.forEach((variant, nanos) -> results.cold(variant, samplesOf(nanos)));
        results.coldComparison(hearthVariant, bootstrapVariant);
        results.reported(samplesOf(initNanos), samplesOf(durationNanos));
    }

    /**
     * REPORT Durations (runtime received the event → Hearth received the response) of {@value #DURATION_PROBES}
     * sequential invokes with {@code X-Amz-Log-Type: Tail}, which shows how much of the warm latency is
     * spent inside the sandbox. Tail itself adds work, so these invokes are not part of the latency table.
     */
    private static LatencySamples reportedDurations(HttpLoad load, HttpTarget target, byte[] payload) throws Exception {
        HttpTarget tail = target.withHeader("X-Amz-Log-Type", "Tail");
        long[] nanos = new long[DURATION_PROBES];
        for (int i = 0; i < nanos.length; i++) {
            String log = load.call(tail, payload).header("X-Amz-Log-Result")
                    .map(b64 -> new String(java.util.Base64.getDecoder().decode(b64), StandardCharsets.UTF_8))
                    .orElseThrow(() -> new IllegalStateException("no X-Amz-Log-Result on a Tail invoke"));
            nanos[i] = millisToNanos(HearthColdStart.duration(log).orElseThrow(() -> new IllegalStateException(
                    "no Duration in the log tail: " + log)));
        }
        return LatencySamples.of(nanos);
    }

    private List<String> hearthJvmOptions() {
        return javaOptions(options.hearthJavaOptions());
    }

    /** Space-separated JVM options as a list. */
    static List<String> javaOptions(String spaceSeparated) {
        String options = spaceSeparated.strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /** The wrappers the process backend puts before the runtime's command (see its LaunchCommand). */
    static List<String> wrapper() {
        List<String> wrapper = new ArrayList<>(List.of("/usr/bin/setsid", "/usr/bin/prlimit", "--nofile=1024",
                "--fsize=" + 512L * 1024 * 1024, "--core=0", "--"));
        if ("root".equals(System.getProperty("user.name"))) {
            wrapper.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--"));
        }
        return wrapper;
    }

    private static List<String> wrapperNames() {
        return wrapper().stream().filter(arg -> arg.startsWith("/")).map(arg -> arg.substring(arg.lastIndexOf('/') + 1)).toList();
    }

    private static NoopFunction noop(String family) {
        return switch (family) {
            case "python" -> NoopFunction.python();
            case "node" -> NoopFunction.node();
            case "java" -> NoopFunction.java();
            default -> throw new IllegalArgumentException("unknown runtime family " + family);
        };
    }

    private static LatencySamples samplesOf(List<Long> nanos) {
        return LatencySamples.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    private static long millisToNanos(double millis) {
        return Math.round(millis * 1_000_000);
    }

    /** The echo server's class path: this module's classes and the Jetty jars it runs on. */
    static String echoClassPath() throws URISyntaxException {
        List<Class<?>> anchors = List.of(EchoServer.class, org.eclipse.jetty.server.Server.class,
                org.eclipse.jetty.http.HttpField.class, org.eclipse.jetty.io.Content.class,
                org.eclipse.jetty.util.Callback.class, org.slf4j.LoggerFactory.class);
        List<String> entries = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            entries.add(Path.of(Optional.ofNullable(anchor.getProtectionDomain().getCodeSource())
                    .orElseThrow(() -> new IllegalStateException("no code source for " + anchor)).getLocation().toURI()).toString());
        }
        return entries.stream().distinct().collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private void log(String message) {
        System.err.println("[bench " + clock.instant() + "] " + message);
    }
}
