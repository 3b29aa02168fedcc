package dev.hearth.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cold start by sandbox backend (issues 4 and 7), in one run: one {@code hearth server --sandbox NAME}
 * per backend (each its own JVM and data directory), plus the bare baselines without Hearth — Hearth's
 * python bootstrap against a stub Runtime API ({@link BareInterpreterStart}) and {@code python3 -c pass}.
 * Rounds interleave the variants (one sample of each per round, the order rotated every round), so
 * that load from elsewhere on the machine hits them alike; the first round is discarded. A Hearth
 * sample is a new function invoked once ({@link HearthColdStart}): the time from sending the invoke
 * to the response, and the REPORT line's Init Duration.
 *
 * <p>A backend whose server does not start (not selectable in this build, or not usable on this host)
 * is reported as unavailable with the server's own message, and the run goes on without it; one that
 * fails during the run stops being sampled and is reported as failed (its server's last output goes to
 * stderr). Run on demand, never by the build:
 * {@code ./mvnw -B -q -o -pl bench/hearth-bench exec:java -Dexec.mainClass=dev.hearth.bench.ColdStartBackends
 * -Dexec.args="--rounds 15 --microvm-samples 3"}. With {@code --layers N} every backend has a second
 * variant whose functions have N layers ({@link ColdStartOptions#LAYER_FILES} python modules each,
 * published once per server), sampled in the same rounds: the cost of {@code /opt}.
 */
public final class ColdStartBackends {
    private final ColdStartOptions options;
    private final Clock clock;

    ColdStartBackends(ColdStartOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    public static void main(String[] args) throws Exception {
        ColdStartOptions options = ColdStartOptions.parse(args);
        String markdown = new ColdStartBackends(options, Clock.systemUTC()).run();
        System.out.println(markdown);
        if (options.output().isPresent()) {
            Files.writeString(options.output().get(), markdown, StandardCharsets.UTF_8);
        }
    }

    /** A Hearth server under test and the clients that drive it; closing stops the server. */
    private record RunningHearth(String backend, ServerProcess server, URI endpoint, HearthFunctions functions, HttpLoad load)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                load.close();
                functions.close();
            } finally {
                server.close();
            }
        }
    }

    String run() throws Exception {
        Instant started = clock.instant();
        MachineDescription machine = MachineDescription.current();
        byte[] payload = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);
        NoopFunction python = options.function();
        ColdStartResults results = new ColdStartResults();
        List<RunningHearth> servers = new ArrayList<>();
        try (ScratchDirectory scratch = ScratchDirectory.create("hearth-cold")) {
            try {
                List<ColdVariant> variants = new ArrayList<>();
                List<ColdVariant> layeredVariants = new ArrayList<>();
                for (String backend : options.servers()) {
                    Optional<RunningHearth> running = start(backend, scratch.path(), results);
                    running.ifPresent(servers::add);
                    running.ifPresent(r -> variants.add(new ColdVariant.Hearth(backend,
                            new HearthColdStart(r.functions(), r.load(), r.endpoint()))));
                    if (running.isPresent() && options.layers() > 0) {
                        layered(running.get(), results).ifPresent(layeredVariants::add);
                    }
                }
                // after every plain variant: a backend's two variants are never sampled back to back, so
                // the second does not find the first's stem cell (namespace) still being rebuilt
                variants.addAll(layeredVariants);
                BareInterpreterStart bare = new BareInterpreterStart(Files.createDirectories(scratch.path().resolve("bare")), python);
                variants.add(new ColdVariant.BareBootstrap(bare));
                variants.add(new ColdVariant.BarePass(bare));
                variants.forEach(results::variant);
                measure(variants, servers, python, payload, results);
            } finally {
                for (RunningHearth server : servers) {
                    server.close();
                }
            }
        }
        return results.markdown(started, machine, MachineDescription.currentLoadAverage(), options);
    }

    /** Starts {@code backend}'s server; empty (and recorded as unavailable) when it does not start. */
    private Optional<RunningHearth> start(String backend, Path scratch, ColdStartResults results) throws Exception {
        log("starting hearth server --sandbox " + backend);
        ServerProcess server = ServerProcess.startHearth("hearth-" + backend, options.serverJar(),
                Files.createDirectories(scratch.resolve(backend)), backend,
                InvokeBenchmark.javaOptions(options.hearthJavaOptions()));
        URI endpoint;
        try {
            endpoint = server.awaitEndpoint();
        } catch (IllegalStateException e) {
            server.close();
            String reason = server.failureSummary();
            log(backend + " is unavailable: " + reason);
            results.unavailable(backend, reason);
            return Optional.empty();
        }
        log(backend + " at " + endpoint);
        return Optional.of(new RunningHearth(backend, server, endpoint, new HearthFunctions(endpoint), new HttpLoad()));
    }

    /**
     * The variant of {@code server}'s backend whose functions have {@link ColdStartOptions#layers()}
     * layers, published now; empty (and the backend recorded as failed) when publishing fails.
     */
    private Optional<ColdVariant> layered(RunningHearth server, ColdStartResults results) {
        List<String> arns = new ArrayList<>();
        try {
            for (int i = 1; i <= options.layers(); i++) {
                arns.add(server.functions().publishLayer("bench-layer-" + i,
                        NoopFunction.layer(i, ColdStartOptions.LAYER_FILES)));
            }
        } catch (RuntimeException e) {
            log(server.backend() + ": cannot publish the benchmark's layers: " + e);
            results.failed(server.backend(), "publishing its layers: " + e);
            return Optional.empty();
        }
        return Optional.of(new ColdVariant.Hearth(server.backend(),
                new HearthColdStart(server.functions(), server.load(), server.endpoint()), arns));
    }

    private void measure(List<ColdVariant> variants, List<RunningHearth> servers, NoopFunction python, byte[] payload,
            ColdStartResults results) throws Exception {
        List<String> failed = new ArrayList<>();
        for (int round = -1; round < options.rounds(); round++) {
            log(round < 0 ? "warm-up round (discarded)" : "round " + (round + 1) + "/" + options.rounds());
            int n = variants.size();
            for (int i = 0; i < n; i++) {
                ColdVariant variant = variants.get(Math.floorMod(i + round, n));
                if (variant instanceof ColdVariant.Hearth h && (failed.contains(h.backend())
                        || round >= 0 && !options.samples(h.backend(), round))) {
                    continue;
                }
                ColdVariant.Sample sample;
                try {
                    sample = sample(variant, python, payload);
                } catch (RuntimeException | IOException e) {
                    if (!(variant instanceof ColdVariant.Hearth h)) {
                        throw e;
                    }
                    RunningHearth server = servers.stream().filter(s -> s.backend().equals(h.backend())).findFirst().orElseThrow();
                    System.err.println("[cold] " + h.backend() + " failed; its server's last output:\n"
                            + String.join("\n", server.server().recentOutput()));
                    e.printStackTrace();
                    failed.add(h.backend());
                    results.failed(h.backend(), "in " + (round < 0 ? "the warm-up round" : "round " + (round + 1)) + ": " + e);
                    continue;
                }
                if (round >= 0) {
                    results.sample(variant, sample);
                }
            }
        }
    }

    private static ColdVariant.Sample sample(ColdVariant variant, NoopFunction python, byte[] payload)
            throws IOException, InterruptedException {
        return switch (variant) {
            case ColdVariant.Hearth h -> {
                HearthColdStart.Sample s = h.cold().sample(python, payload, h.layerArns());
                double init = s.initDurationMs().orElseThrow(() -> new IllegalStateException(
                        "a cold invoke on the " + h.backend() + " backend has no Init Duration in its REPORT line"));
                yield new ColdVariant.Sample(s.nanos(), Optional.of(Math.round(init * 1_000_000)));
            }
            case ColdVariant.BareBootstrap b -> new ColdVariant.Sample(b.bare().bootstrap(List.of(), payload).nanos(), Optional.empty());
            case ColdVariant.BarePass p -> new ColdVariant.Sample(p.bare().command(List.of(p.bare().python(), "-c", "pass")),
                    Optional.empty());
        };
    }

    private void log(String message) {
        System.err.println("[cold " + clock.instant() + "] " + message);
    }
}
