package dev.hearth.bench;

import dev.hearth.core.AccountContext;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.worker.FunctionRevision;
import dev.hearth.worker.InvocationRequest;
import dev.hearth.worker.SandboxInfo;
import dev.hearth.worker.TracingMode;
import dev.hearth.worker.Worker;
import dev.hearth.worker.WorkerConfig;
import dev.hearth.worker.WorkerMetrics;
import dev.hearth.worker.keepalive.AdaptiveKeepAlive;
import dev.hearth.worker.keepalive.FixedKeepAlive;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keep-alive policies compared on one replayed bursty arrival trace (issue 5): a REAL worker
 * ({@link Worker} on the {@code process} backend, python no-op functions) whose clock is virtual, so
 * that hours of arrivals replay in a minute. The trace (fixed seed) mixes five functions: periodic
 * with jitter, bursts every half hour to hour, rare Poisson, frequent Poisson, and a spike every two
 * hours. Before each arrival the clock moves there in housekeeping steps of {@link #HOUSEKEEPING}
 * (reaping, pre-warms), waiting for pre-warmed sandboxes to finish Init in real time. Reported per
 * policy: cold starts, pre-warms and their hits, and idle memory over time (MB·minutes of idle
 * sandboxes, the worker's own integral). Run on demand:
 * {@code ./mvnw -B -q -o -pl bench/hearth-bench exec:java -Dexec.mainClass=dev.hearth.bench.KeepAliveReplay
 * -Dexec.args="--hours 6 --seed 42"}.
 */
public final class KeepAliveReplay {
    private static final Duration HOUSEKEEPING = Duration.ofSeconds(10);
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    /** One arrival of the trace. */
    record Arrival(Instant at, String function) {}

    /** One policy's outcome. */
    record Outcome(String policy, WorkerMetrics metrics, Duration realTime) {}

    public static void main(String[] args) throws Exception {
        int hours = 6;
        long seed = 42;
        Optional<Path> output = Optional.empty();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--hours" -> hours = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--output" -> output = Optional.of(Path.of(args[i + 1]));
                default -> throw new IllegalArgumentException("usage: KeepAliveReplay [--hours 6] [--seed 42] [--output FILE]");
            }
        }
        List<Arrival> trace = trace(Duration.ofHours(hours), seed);
        String loadBefore = MachineDescription.currentLoadAverage();
        MachineDescription machine = MachineDescription.current();
        Map<String, Supplier<KeepAlivePolicy>> policies = new java.util.LinkedHashMap<>();
        policies.put("fixed 5 min", () -> new FixedKeepAlive(Duration.ofMinutes(5)));
        policies.put("fixed 10 min", () -> new FixedKeepAlive(Duration.ofMinutes(10)));
        policies.put("adaptive (fallback 10 min)",
                () -> new AdaptiveKeepAlive(AdaptiveKeepAlive.Settings.defaults(Duration.ofMinutes(10))));
        List<Outcome> outcomes = new ArrayList<>();
        try (ScratchDirectory scratch = ScratchDirectory.create("hearth-keepalive");
                ProcessSandboxBackend backend = new ProcessSandboxBackend()) {
            Path root = openUp(scratch.path());
            Path code = openUp(Files.createDirectories(root.resolve("code")));
            Files.writeString(code.resolve("app.py"), "def handler(event, context):\n    return event\n");
            Files.setPosixFilePermissions(code.resolve("app.py"), PosixFilePermissions.fromString("rw-r--r--"));
            RuntimeCatalog runtimes = RuntimeCatalog.open(root.resolve("runtimes"));
            for (Map.Entry<String, Supplier<KeepAlivePolicy>> policy : policies.entrySet()) {
                Path work = openUp(Files.createDirectories(root.resolve("work-" + outcomes.size())));
                outcomes.add(replay(policy.getKey(), policy.getValue().get(), trace, backend, runtimes, code, work));
                System.err.println("[keep-alive] " + outcomes.getLast());
            }
        }
        String markdown = report(machine, trace, hours, seed, outcomes, loadBefore, MachineDescription.currentLoadAverage());
        System.out.println(markdown);
        if (output.isPresent()) {
            Files.writeString(output.get(), markdown, StandardCharsets.UTF_8);
        }
    }

    static Outcome replay(String name, KeepAlivePolicy policy, List<Arrival> trace, ProcessSandboxBackend backend,
            RuntimeCatalog runtimes, Path code, Path work) throws InterruptedException {
        AtomicReference<Instant> now = new AtomicReference<>(START);
        InstantSource clock = now::get;
        long started = System.nanoTime();
        try (Worker worker = new Worker(backend, runtimes, (account, group, stream, at, line) -> { },
                WorkerConfig.defaults(work).withKeepAlive(policy).withReapInterval(Duration.ofDays(1)), clock)) {
            Instant nextHousekeeping = START.plus(HOUSEKEEPING);
            for (Arrival arrival : trace) {
                while (!nextHousekeeping.isAfter(arrival.at())) {
                    now.set(nextHousekeeping);
                    worker.runHousekeeping();
                    awaitInit(worker);
                    nextHousekeeping = nextHousekeeping.plus(HOUSEKEEPING);
                }
                now.set(arrival.at());
                FunctionRevision function = function(arrival.function(), code);
                worker.invoke(function, new InvocationRequest(UUID.randomUUID().toString(),
                        "{}".getBytes(StandardCharsets.UTF_8), Optional.empty(), function.functionArn(), false));
            }
            return new Outcome(name, worker.metrics(), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Waits (real time) until no sandbox is still initialising: pre-warms started by the housekeeping. */
    private static void awaitInit(Worker worker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (worker.sandboxes().stream().anyMatch(s -> s.phase() == SandboxInfo.Phase.INITIALISING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pre-warmed sandboxes did not initialise within 20 s");
            }
            Thread.sleep(5);
        }
    }

    private static FunctionRevision function(String name, Path code) {
        return new FunctionRevision(AccountContext.DEFAULT, name, "$LATEST", AccountContext.DEFAULT.functionArn(name), "rev-1",
                "python3.12", "app.handler", 128, 30, 512, Map.of(), code, "sha-replay", false,
                TracingMode.PASS_THROUGH, List.of());
    }

    /** The replayed arrivals, sorted by time. */
    static List<Arrival> trace(Duration length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Instant end = START.plus(length);
        List<Arrival> arrivals = new ArrayList<>();
        // periodic: a cron-like job every 10 minutes, ±20 s
        for (Instant t = START.plusSeconds(30); t.isBefore(end); t = t.plus(Duration.ofMinutes(10))) {
            arrivals.add(new Arrival(t.plusSeconds(random.nextInt(-20, 21)), "periodic"));
        }
        // bursty: 5–20 calls 1–3 s apart, one burst every 30–60 minutes
        for (Instant t = START.plus(Duration.ofMinutes(random.nextInt(5, 30))); t.isBefore(end);
                t = t.plus(Duration.ofMinutes(random.nextInt(30, 61)))) {
            Instant call = t;
            for (int i = random.nextInt(5, 21); i > 0; i--) {
                arrivals.add(new Arrival(call, "bursty"));
                call = call.plusSeconds(random.nextInt(1, 4));
            }
        }
        poisson(arrivals, random, "rare", Duration.ofMinutes(45), end);
        poisson(arrivals, random, "frequent", Duration.ofSeconds(30), end);
        // spike: 10 calls within a minute, every 2 hours
        for (Instant t = START.plus(Duration.ofMinutes(50)); t.isBefore(end); t = t.plus(Duration.ofHours(2))) {
            for (int i = 0; i < 10; i++) {
                arrivals.add(new Arrival(t.plusSeconds(random.nextInt(60)), "spike"));
            }
        }
        arrivals.removeIf(a -> !a.at().isBefore(end) || a.at().isBefore(START));
        arrivals.sort(Comparator.comparing(Arrival::at));
        return arrivals;
    }

    private static void poisson(List<Arrival> arrivals, SplittableRandom random, String function, Duration mean, Instant end) {
        Instant t = START;
        while (true) {
            t = t.plusMillis((long) (-Math.log(1 - random.nextDouble()) * mean.toMillis()));
            if (!t.isBefore(end)) {
                return;
            }
            arrivals.add(new Arrival(t, function));
        }
    }

    private static Path openUp(Path dir) throws java.io.IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static String report(MachineDescription machine, List<Arrival> trace, int hours, long seed, List<Outcome> outcomes,
            String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(Instant.now()).append(" on ").append(machine.summary()).append("; 1-min load ")
                .append(loadBefore).append(" before, ").append(loadAfter).append(" after.\n\n");
        Map<String, Long> perFunction = new java.util.TreeMap<>();
        trace.forEach(a -> perFunction.merge(a.function(), 1L, Long::sum));
        md.append("Trace: ").append(hours).append(" virtual hours, seed ").append(seed).append(", ").append(trace.size())
                .append(" invocations ").append(perFunction).append(" (periodic every 10 min ±20 s; bursty: 5–20 calls 1–3 s")
                .append(" apart every 30–60 min; rare: Poisson, mean 45 min; frequent: Poisson, mean 30 s; spike: 10 calls")
                .append(" within a minute every 2 h). Real worker, `process` backend, python3.12 128 MB no-op.\n\n");
        md.append("| policy | cold starts | cold % | pre-warms | pre-warm hits | idle reaped | idle memory (MB·min) | real time |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Outcome o : outcomes) {
            WorkerMetrics m = o.metrics();
            long invocations = m.coldStarts() + m.warmStarts();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f %% | %d | %d | %d | %.0f | %.1f s |%n", o.policy(),
                    m.coldStarts(), 100.0 * m.coldStarts() / invocations, m.prewarmsStarted(), m.prewarmHits(),
                    m.idleReaped(), m.idleMemoryMbMinutes(), o.realTime().toMillis() / 1000.0));
        }
        return md.toString();
    }
}
