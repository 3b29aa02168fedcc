package dev.hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.threads.HearthThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * Burst from 0 to N concurrent sandboxes of one function (issue 5), through a real
 * {@code hearth server}: for each N a new python function (no warm sandbox) whose handler notes when
 * it started and then sleeps, invoked N times at once, then N times again onto the sandboxes now
 * idle. Reported: time from firing to N handlers running at once (the last handler's start), cold
 * and warm, against N bare {@code python3} processes spawned at once on the same machine right
 * before (the same handler body as a script); to all N responses; the failures (with Lambda's error
 * type); and the host's available memory before and at the peak. N steps up until failures appear
 * or the step takes longer than a minute. Run on demand:
 * {@code ./mvnw -B -q -o -pl bench/hearth-bench exec:java -Dexec.mainClass=dev.hearth.bench.BurstBenchmark
 * -Dexec.args="--sandbox namespace --steps 10,25,50,100,150 --hold-ms 3000"}.
 */
public final class BurstBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP_LIMIT = Duration.ofMinutes(1);
    private static final String HANDLER = """
            import time
            def handler(event, context):
                started = time.time()
                time.sleep(event["hold"])
                return {"started": started}
            """;

    /** One step's outcome. */
    record Step(int n, long bareToAllRunningMs, long toAllRunningMs, long warmToAllRunningMs, long toAllDoneMs, int failures,
            String failureTypes, long availableBeforeMb, long availableAtPeakMb, long sandboxes) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String sandbox = options.getOrDefault("--sandbox", "namespace");
        List<Integer> steps = Arrays.stream(options.getOrDefault("--steps", "10,25,50,100,150").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        int holdMs = Integer.parseInt(options.getOrDefault("--hold-ms", "3000"));
        Path jar = Path.of(options.getOrDefault("--server-jar", "server/hearth-server/target/hearth-server.jar"));
        String load = MachineDescription.currentLoadAverage();
        MachineDescription machine = MachineDescription.current();
        List<Step> results = new ArrayList<>();
        String stopped = "every step ran";
        try (ScratchDirectory scratch = ScratchDirectory.create("hearth-burst");
                ServerProcess server = ServerProcess.startHearth("burst-" + sandbox, jar, scratch.path().resolve("data"),
                        sandbox, List.of("-Xmx2g"))) {
            URI endpoint = server.awaitEndpoint();
            int maxN = steps.stream().mapToInt(Integer::intValue).max().orElse(10);
            try (LambdaClient lambda = LambdaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                    .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxN + 8)
                            .socketTimeout(Duration.ofMinutes(2)))
                    .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)).apiCallTimeout(Duration.ofMinutes(2)))
                    .build();
                    HttpClient http = HttpClient.newHttpClient()) {
                for (int n : steps) {
                    Step step = burst(lambda, http, endpoint, n, holdMs);
                    results.add(step);
                    System.err.println("[burst] " + step);
                    if (step.failures() > 0) {
                        stopped = "stopped after N=" + n + ": it had failures";
                        break;
                    }
                    if (step.toAllDoneMs() > STEP_LIMIT.toMillis()) {
                        stopped = "stopped after N=" + n + ": it took longer than " + STEP_LIMIT.toSeconds() + " s";
                        break;
                    }
                }
            }
        }
        String markdown = report(machine, sandbox, holdMs, results, stopped, load, MachineDescription.currentLoadAverage());
        System.out.println(markdown);
        if (options.containsKey("--output")) {
            Files.writeString(Path.of(options.get("--output")), markdown, StandardCharsets.UTF_8);
        }
    }

    /** Spawns {@code n} bare {@code /usr/bin/python3} processes (the interpreter Hearth runs) at once; ms from spawning to the last one's start. */
    private static long bareBurst(int n, int holdMs) throws Exception {
        String script = "import time\nprint(time.time(), flush=True)\ntime.sleep(" + holdMs / 1000.0 + ")\n";
        List<Process> processes = new ArrayList<>();
        long fired = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            processes.add(new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start());
        }
        double lastStart = 0;
        for (Process process : processes) {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor();
            lastStart = Math.max(lastStart, Double.parseDouble(out));
        }
        return Math.round(lastStart * 1000) - fired;
    }

    /** Fires {@code n} invokes at once; the outcomes (a JSON answer or an error type) and the ms until all were done. */
    private record Fired(List<Object> outcomes, long fired, long doneMs, long lowestAvailableMb) {
        long lastStartMs() {
            double lastStart = 0;
            for (Object outcome : outcomes) {
                if (outcome instanceof JsonNode json) {
                    lastStart = Math.max(lastStart, json.path("started").asDouble());
                }
            }
            return lastStart == 0 ? -1 : Math.round(lastStart * 1000) - fired;
        }

        List<String> failures() {
            return outcomes.stream().filter(o -> !(o instanceof JsonNode)).map(String::valueOf).toList();
        }
    }

    private static Step burst(LambdaClient lambda, HttpClient http, URI endpoint, int n, int holdMs) throws Exception {
        long bare = bareBurst(n, holdMs);
        String name = "burst-" + n;
        lambda.createFunction(r -> r.functionName(name).runtime("python3.12").handler("app.handler").memorySize(128)
                .timeout(120).role(HearthFunctions.ROLE)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(new NoopFunction("python3.12", "app.handler", 128,
                        Map.of("app.py", HANDLER.getBytes(StandardCharsets.UTF_8))).zip())).build()));
        long availableBefore = availableMb();
        byte[] payload = ("{\"hold\":" + holdMs / 1000.0 + "}").getBytes(StandardCharsets.UTF_8);
        Fired cold = fire(lambda, name, n, payload);
        Fired warm = cold.failures().isEmpty() ? fire(lambda, name, n, payload) : null;
        long sandboxes = metric(http, endpoint, "hearth_sandboxes");
        lambda.deleteFunction(r -> r.functionName(name));
        List<String> failures = new ArrayList<>(cold.failures());
        if (warm != null) {
            failures.addAll(warm.failures());
        }
        String types = failures.stream().distinct().sorted().reduce((a, b) -> a + ", " + b).orElse("");
        return new Step(n, bare, cold.lastStartMs(), warm == null ? -1 : warm.lastStartMs(), cold.doneMs(), failures.size(), types,
                availableBefore, Math.min(cold.lowestAvailableMb(), warm == null ? Long.MAX_VALUE : warm.lowestAvailableMb()),
                sandboxes);
    }

    private static Fired fire(LambdaClient lambda, String name, int n, byte[] payload) throws Exception {
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        long lowest = Long.MAX_VALUE;
        long fired = System.currentTimeMillis();
        long firedNanos = System.nanoTime();
        try (ExecutorService threads = HearthThreads.perTaskVirtual("bench-burst")) {
            for (int i = 0; i < n; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        InvokeResponse response = lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromByteArray(payload)));
                        if (response.functionError() != null) {
                            return "Function." + response.functionError();
                        }
                        return JSON.readTree(response.payload().asUtf8String());
                    } catch (LambdaException e) {
                        return e.awsErrorDetails().errorCode();
                    } catch (Exception e) {
                        return e.getClass().getSimpleName();
                    }
                }, threads));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
            while (!all.isDone()) {
                lowest = Math.min(lowest, availableMb());
                Thread.sleep(100);
            }
        }
        long doneMs = (System.nanoTime() - firedNanos) / 1_000_000;
        return new Fired(calls.stream().map(CompletableFuture::join).toList(), fired, doneMs, lowest);
    }

    private static long metric(HttpClient http, URI endpoint, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(endpoint.resolve("/hearth/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Math.round(Double.parseDouble(line.substring(name.length() + 1).trim()))).orElse(-1L);
    }

    private static long availableMb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IllegalStateException("no MemAvailable");
    }

    private static String report(MachineDescription machine, String sandbox, int holdMs, List<Step> steps, String stopped,
            String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(Instant.now()).append(" on ").append(machine.summary()).append("; 1-min load ")
                .append(loadBefore).append(" before, ").append(loadAfter).append(" after.\n\n");
        md.append("Backend `").append(sandbox).append("`, python3.12 128 MB, handler holds ").append(holdMs)
                .append(" ms; each N is a new function with no warm sandbox, invoked N times at once (AWS SDK v2).\n\n");
        md.append("| N | N bare python3 running (ms) | N cold handlers running (ms) | ÷ bare | N warm handlers running (ms)"
                + " | cold: all N done (ms) | failures | host MemAvailable before → lowest (MB) | sandboxes after |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
        for (Step s : steps) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %d | %s | %d → %d | %d |%n", s.n(),
                    s.bareToAllRunningMs(), s.toAllRunningMs() < 0 ? "—" : Long.toString(s.toAllRunningMs()),
                    s.toAllRunningMs() < 0 || s.bareToAllRunningMs() <= 0 ? "—"
                            : String.format(Locale.ROOT, "%.2f×", (double) s.toAllRunningMs() / s.bareToAllRunningMs()),
                    s.warmToAllRunningMs() < 0 ? "—" : Long.toString(s.warmToAllRunningMs()), s.toAllDoneMs(),
                    s.failures() == 0 ? "0" : s.failures() + " (" + s.failureTypes() + ")", s.availableBeforeMb(),
                    s.availableAtPeakMb(), s.sandboxes()));
        }
        md.append("\n").append(stopped).append(".\n");
        return md.toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
