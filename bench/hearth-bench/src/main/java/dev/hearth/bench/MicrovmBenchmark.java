package dev.hearth.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.runtimes.RuntimeLaunch;
import dev.hearth.sandbox.microvm.GuestContents;
import dev.hearth.sandbox.microvm.MicrovmConfig;
import dev.hearth.sandbox.microvm.MicrovmSandbox;
import dev.hearth.sandbox.microvm.MicrovmSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxSettings;
import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sandbox.spi.SandboxImage;
import dev.hearth.sandbox.spi.SandboxSnapshots;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxView;
import dev.hearth.threads.HearthThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The microVM backend against the namespace backend, in one run, driven directly through the
 * sandbox SPI with Hearth's python bootstrap and a minimal Runtime API on a unix socket
 * ({@link UnixRuntimeApi}); the Worker is not involved. Measures:
 * <ul>
 *   <li>cold start: {@link SandboxBackend#launch} of a 128 MB python no-op with one event queued,
 *       to its response arriving (boot + Init + first invoke);</li>
 *   <li>microVM restore: {@link SandboxSnapshots#restore} from an image saved while the runtime
 *       waited on {@code /next} (after one priming invocation, so that its held connection is a
 *       reused keep-alive one the bootstrap reconnects), to the first response;</li>
 *   <li>memory per idle sandbox (N of each, all waiting on {@code /next}): for namespace sandboxes
 *       the PSS of their runtime processes; for microVMs the PSS and RSS of each QEMU process
 *       ({@code /proc/PID/smaps_rollup}), booted and restored. VMM overhead = QEMU PSS minus the
 *       namespace sandbox's PSS for the same function.</li>
 * </ul>
 * Run on demand, never by the build: {@code ./mvnw -B -q -o -pl bench/hearth-bench exec:java
 * -Dexec.mainClass=dev.hearth.bench.MicrovmBenchmark -Dexec.args="--samples 3 --idle 5"}.
 * Not thread-safe; one run at a time per host.
 */
public final class MicrovmBenchmark {
    private static final String RUNTIME = "python3.12";
    private static final int MEMORY_MB = 128;
    private static final long WAIT_SECONDS = 120;

    private final Path scratch;
    private final RuntimeCatalog catalog;
    private final Path taskRoot;
    private final Path runtimeRoot;
    private final String runId = Long.toString(System.nanoTime(), 36);
    private final AtomicInteger ids = new AtomicInteger();

    private MicrovmBenchmark(Path scratch) throws IOException {
        this.scratch = scratch;
        taskRoot = Files.createDirectories(scratch.resolve("task"));
        NoopFunction function = NoopFunction.python();
        for (Map.Entry<String, byte[]> file : function.files().entrySet()) {
            Files.write(taskRoot.resolve(file.getKey()), file.getValue());
        }
        catalog = RuntimeCatalog.open(scratch.resolve("runtimes"));
        runtimeRoot = catalog.runtimeRoot(RUNTIME);
        try (var walk = Files.walk(scratch)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int samples = 3;
        int idle = 5;
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--idle" -> idle = Integer.parseInt(args[++i]);
                case "--output" -> output = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --samples N --idle N --output FILE");
            }
        }
        String started = Instant.now().toString();
        String machine = MachineDescription.current().summary();
        String report;
        try (ScratchDirectory dir = ScratchDirectory.create("hearth-microvm-bench")) {
            report = new MicrovmBenchmark(dir.path()).run(samples, idle, started, machine);
        }
        System.out.println(report);
        if (output != null) {
            Files.writeString(output, report, UTF_8);
        }
    }

    private String run(int samples, int idle, String started, String machine) throws Exception {
        StringBuilder out = new StringBuilder();
        Path memoryDir = Path.of("/dev/shm/hearth-microvm-bench-" + runId);
        out.append("# microVM vs namespace, ").append(started).append("\n\n").append(machine).append("\n\n");
        try (NamespaceSandboxBackend namespace = new NamespaceSandboxBackend(
                NamespaceSandboxSettings.defaults(Files.createDirectories(scratch.resolve("namespace-state"))));
                MicrovmSandboxBackend microvm = new MicrovmSandboxBackend(MicrovmConfig.defaults(
                        Files.createDirectories(Path.of("/var/tmp/hearth-microvm-bench-cache")), GuestContents.python())
                        .withMemoryDir(memoryDir))) {
            for (SandboxBackend backend : List.<SandboxBackend>of(namespace, microvm)) {
                HostSupport support = backend.probe();
                out.append("- ").append(backend.name()).append(": ").append(support.summary()).append('\n');
                if (!support.usable()) {
                    throw new IllegalStateException(backend.name() + " unusable: " + support.missing());
                }
            }
            microvm.guestImage();
            out.append("\n## Start to first response (ms), ").append(samples).append(" samples each\n\n");
            out.append("| variant | min | median | max |\n|---|---|---|---|\n");
            List<Long> nsCold = new ArrayList<>();
            List<Long> vmCold = new ArrayList<>();
            coldStart(namespace); // warm the page cache and the code images
            for (int i = 0; i < samples; i++) {
                nsCold.add(coldStart(namespace));
                vmCold.add(coldStart(microvm));
            }
            SandboxSnapshots snapshots = microvm.snapshots().orElseThrow();
            long[] saveMillis = new long[1];
            SandboxImage image = saveImage(microvm, snapshots, saveMillis, true);
            List<Long> vmRestore = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                vmRestore.add(restoreStart(microvm, snapshots, image));
            }
            String unprimed = unprimedRestore(microvm, snapshots);
            row(out, "namespace: launch + Init + first invoke", nsCold);
            row(out, "microvm (" + microvm.accelerator().qemuName() + "): boot + Init + first invoke", vmCold);
            row(out, "microvm (" + microvm.accelerator().qemuName() + "): restore + first invoke", vmRestore);
            out.append("\nRestore from an image saved during the runtime's *first* /next (no priming invocation): ")
                    .append(unprimed).append('\n');
            out.append(String.format(Locale.ROOT, "%nSnapshot: save %d ms, image %d MiB (RAM file length; untouched pages are holes)%n",
                    saveMillis[0], image.sizeBytes() >> 20));

            out.append("\n## Memory per idle sandbox (MiB), ").append(idle).append(" of each waiting on /next\n\n");
            out.append("| variant | PSS each (mean) | RSS each (mean) | peak usage() each (mean) |\n|---|---|---|---|\n");
            double nsPss = idleMemory(out, "namespace (python processes)", namespace, snapshots, null, idle);
            double bootedPss = idleMemory(out, "microvm booted (QEMU process)", microvm, snapshots, null, idle);
            double restoredPss = idleMemory(out, "microvm restored (QEMU process)", microvm, snapshots, image, idle);
            out.append(String.format(Locale.ROOT,
                    "%nVMM overhead per sandbox (QEMU PSS minus the namespace sandbox's PSS): booted %.1f MiB, restored %.1f MiB%n",
                    bootedPss - nsPss, restoredPss - nsPss));
            snapshots.delete(image);
        }
        Files.deleteIfExists(memoryDir);
        out.append("\n1-min load average at the end: ").append(MachineDescription.currentLoadAverage()).append('\n');
        return out.toString();
    }

    /** One sandbox launched with an event queued; returns ms from launch to the response. */
    private long coldStart(SandboxBackend backend) throws Exception {
        try (UnixRuntimeApi api = UnixRuntimeApi.open(scratch.resolve("api-" + ids.incrementAndGet() + ".sock"))) {
            SandboxSpec spec = spec(backend, api);
            api.offer("{\"sample\":1}");
            long start = System.nanoTime();
            Sandbox sandbox = backend.launch(spec);
            try {
                drain(sandbox);
                long arrived = api.responses().poll(WAIT_SECONDS, TimeUnit.SECONDS) instanceof Long at ? at
                        : fail(backend.name() + " " + spec.sandboxId() + " gave no response");
                return (arrived - start) / 1_000_000;
            } finally {
                sandbox.kill();
                sandbox.exit().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /** Boots, primes with one invocation, waits for the runtime's second /next, saves. */
    private SandboxImage saveImage(MicrovmSandboxBackend microvm, SandboxSnapshots snapshots, long[] saveMillis,
            boolean prime) throws Exception {
        try (UnixRuntimeApi api = UnixRuntimeApi.open(scratch.resolve("api-" + ids.incrementAndGet() + ".sock"))) {
            Sandbox source = snapshots.launchForSnapshot(spec(microvm, api));
            drain(source);
            if (prime) {
                api.offer("{\"prime\":true}");
                if (api.responses().poll(WAIT_SECONDS, TimeUnit.SECONDS) == null) {
                    fail("the snapshot source gave no response to its priming invocation");
                }
            }
            api.awaitWaitingNext(prime ? 2 : 1);
            long start = System.nanoTime();
            SandboxImage image = snapshots.save(source, scratch.resolve("image-" + ids.incrementAndGet()));
            saveMillis[0] = (System.nanoTime() - start) / 1_000_000;
            return image;
        }
    }

    /** One clone restored with an event queued; returns ms from restore to the response. */
    private long restoreStart(MicrovmSandboxBackend microvm, SandboxSnapshots snapshots, SandboxImage image)
            throws Exception {
        try (UnixRuntimeApi api = UnixRuntimeApi.open(scratch.resolve("api-" + ids.incrementAndGet() + ".sock"))) {
            SandboxSpec spec = spec(microvm, api);
            api.offer("{\"restored\":true}");
            long start = System.nanoTime();
            Sandbox clone = snapshots.restore(image, spec);
            try {
                drain(clone);
                long arrived = api.responses().poll(WAIT_SECONDS, TimeUnit.SECONDS) instanceof Long at ? at
                        : fail("clone " + spec.sandboxId() + " gave no response");
                return (arrived - start) / 1_000_000;
            } finally {
                clone.kill();
                clone.exit().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Saves during the runtime's first {@code /next} (Lambda's SnapStart point: right after Init) and
     * restores one clone; says whether it answered its event, and if not how it ended.
     */
    private String unprimedRestore(MicrovmSandboxBackend microvm, SandboxSnapshots snapshots) throws Exception {
        SandboxImage image = saveImage(microvm, snapshots, new long[1], false);
        try (UnixRuntimeApi api = UnixRuntimeApi.open(scratch.resolve("api-" + ids.incrementAndGet() + ".sock"))) {
            api.offer("{\"unprimed\":true}");
            long start = System.nanoTime();
            Sandbox clone = snapshots.restore(image, spec(microvm, api));
            StringBuffer output = new StringBuffer();
            HearthThreads.startVirtual("bench-clone-output", () -> {
                try (InputStream in = clone.output()) {
                    output.append(new String(in.readAllBytes(), UTF_8));
                } catch (IOException e) {
                    output.append("(output failed: ").append(e.getMessage()).append(')');
                }
            });
            Long arrived = null;
            for (int second = 0; second < 30 && arrived == null && !clone.exit().isDone(); second++) {
                arrived = api.responses().poll(1, TimeUnit.SECONDS);
            }
            clone.kill();
            var exit = clone.exit().get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (arrived != null) {
                return "works, " + (arrived - start) / 1_000_000 + " ms to the response";
            }
            String text = output.toString().strip();
            return "**fails**: no response; the clone ended with " + exit + "; its last output: `"
                    + text.substring(Math.max(0, text.length() - 300)).replace('\n', ' ') + "`";
        } finally {
            snapshots.delete(image);
        }
    }

    /** Starts {@code count} idle sandboxes, measures them, kills them; returns the mean PSS in MiB. */
    private double idleMemory(StringBuilder out, String label, SandboxBackend backend, SandboxSnapshots snapshots,
            SandboxImage image, int count) throws Exception {
        List<UnixRuntimeApi> apis = new ArrayList<>();
        List<Sandbox> sandboxes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                UnixRuntimeApi api = UnixRuntimeApi.open(scratch.resolve("api-" + ids.incrementAndGet() + ".sock"));
                apis.add(api);
                SandboxSpec spec = spec(backend, api);
                Sandbox sandbox = image == null ? backend.launch(spec) : snapshots.restore(image, spec);
                sandboxes.add(sandbox);
                drain(sandbox);
                api.awaitWaitingNext(1);
            }
            long pss = 0;
            long rss = 0;
            long peak = 0;
            if (backend instanceof MicrovmSandboxBackend) {
                for (Sandbox sandbox : sandboxes) {
                    Map<String, Long> rollup = smapsRollup(((MicrovmSandbox) sandbox).pid());
                    pss += rollup.getOrDefault("Pss", 0L);
                    rss += rollup.getOrDefault("Rss", 0L);
                }
            } else {
                for (long pid : runtimeProcesses()) {
                    Map<String, Long> rollup = smapsRollup(pid);
                    pss += rollup.getOrDefault("Pss", 0L);
                    rss += rollup.getOrDefault("Rss", 0L);
                }
            }
            for (Sandbox sandbox : sandboxes) {
                peak += sandbox.usage().maxMemoryBytes() / 1024;
            }
            double pssEach = pss / 1024.0 / count;
            out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", label, pssEach, rss / 1024.0 / count,
                    peak / 1024.0 / count));
            return pssEach;
        } finally {
            for (Sandbox sandbox : sandboxes) {
                sandbox.kill();
                sandbox.exit().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            apis.forEach(UnixRuntimeApi::close);
        }
    }

    /** Host processes of this run's namespace sandboxes (found by their log stream variable). */
    private List<Long> runtimeProcesses() throws IOException {
        List<Long> pids = new ArrayList<>();
        String marker = "AWS_LAMBDA_LOG_STREAM_NAME=bench-" + runId;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (new String(Files.readAllBytes(proc.resolve("environ")), UTF_8).contains(marker)) {
                        pids.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    continue; // the process ended while scanning: not one of ours
                }
            }
        }
        return pids;
    }

    /** {@code /proc/PID/smaps_rollup} values in KiB by name. */
    private static Map<String, Long> smapsRollup(long pid) throws IOException {
        Map<String, Long> values = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            String[] words = line.split("[:\\s]+");
            if (words.length == 3 && words[2].equals("kB")) {
                values.put(words[0], Long.parseLong(words[1]));
            }
        }
        return values;
    }

    private SandboxSpec spec(SandboxBackend backend, UnixRuntimeApi api) throws IOException {
        String id = "bench-" + runId + "-" + ids.incrementAndGet();
        Path scratchDir = Files.createDirectories(scratch.resolve("s").resolve(id));
        Files.setPosixFilePermissions(scratchDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        RuntimeApiAddress address = new RuntimeApiAddress.UnixSocket(api.path());
        SandboxView view = backend.view(taskRoot, runtimeRoot, scratchDir, address);
        RuntimeLaunch launch = catalog.launch(RUNTIME, "app.handler", view);
        Map<String, String> environment = new HashMap<>(launch.environment());
        environment.putAll(Map.ofEntries(
                Map.entry("PATH", "/usr/local/bin:/usr/bin:/bin"),
                Map.entry("LANG", "en_US.UTF-8"),
                Map.entry("TZ", ":UTC"),
                Map.entry("_HANDLER", "app.handler"),
                Map.entry("LAMBDA_TASK_ROOT", view.taskRoot()),
                Map.entry("LAMBDA_RUNTIME_DIR", view.runtimeRoot()),
                Map.entry("AWS_LAMBDA_RUNTIME_API", view.runtimeApi()),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", "bench"),
                Map.entry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(MEMORY_MB)),
                Map.entry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench"),
                Map.entry("AWS_LAMBDA_LOG_STREAM_NAME", "bench-" + runId),
                Map.entry("AWS_REGION", "us-east-1"),
                Map.entry("AWS_EXECUTION_ENV", "AWS_Lambda_" + RUNTIME)));
        return new SandboxSpec(id, launch.command(), environment, taskRoot, runtimeRoot, scratchDir, address,
                ResourceLimits.forMemory(MEMORY_MB, 512), false);
    }

    /** Reads and discards a sandbox's output (keeps the last bytes for failures). */
    private static void drain(Sandbox sandbox) {
        HearthThreads.startVirtual("bench-output-" + sandbox.id(), () -> {
            try (InputStream in = sandbox.output()) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                System.err.println("output of " + sandbox.id() + " failed: " + e.getMessage());
            }
        });
    }

    private static void row(StringBuilder out, String label, List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d |%n", label, sorted.getFirst(),
                sorted.get(sorted.size() / 2), sorted.getLast()));
    }

    private static long fail(String message) {
        throw new IllegalStateException(message);
    }

    /**
     * The least of Lambda's Runtime API on a unix socket, HTTP/1.1 with keep-alive: {@code GET /next}
     * takes the next offered event (waiting for one), {@code POST .../response} records the
     * {@link System#nanoTime()} it arrived at, errors fail the run. Each connection is served on a
     * virtual thread. Thread-safe.
     */
    private static final class UnixRuntimeApi implements AutoCloseable {
        private static final String PREFIX = "/2018-06-01/runtime";
        private final ServerSocketChannel server;
        private final Path path;
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        private final BlockingQueue<Long> responses = new LinkedBlockingQueue<>();
        private final AtomicInteger nextCalls = new AtomicInteger();
        private final CompletableFuture<String> failure = new CompletableFuture<>();
        private final AtomicInteger requestIds = new AtomicInteger();

        private UnixRuntimeApi(ServerSocketChannel server, Path path) {
            this.server = server;
            this.path = path;
            HearthThreads.startVirtual("bench-api-accept", this::acceptLoop);
        }

        static UnixRuntimeApi open(Path path) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            return new UnixRuntimeApi(server, path);
        }

        Path path() {
            return path;
        }

        void offer(String event) {
            events.add(event);
        }

        BlockingQueue<Long> responses() {
            if (failure.isDone()) {
                throw new IllegalStateException("the runtime reported an error: " + failure.join());
            }
            return responses;
        }

        /** Waits until {@code count} {@code /next} requests have arrived. */
        void awaitWaitingNext(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            synchronized (nextCalls) {
                while (nextCalls.get() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || failure.isDone()) {
                        throw new IllegalStateException("the runtime did not ask for its next event (" + nextCalls.get()
                                + " of " + count + " /next calls); error: " + failure.getNow("none"));
                    }
                    nextCalls.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        private void acceptLoop() {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    HearthThreads.startVirtual("bench-api-conn", () -> serve(client));
                } catch (IOException e) {
                    if (server.isOpen()) {
                        failure.complete("accept failed: " + e.getMessage());
                    }
                }
            }
        }

        private void serve(SocketChannel client) {
            try (client; InputStream in = Channels.newInputStream(client); OutputStream out = Channels.newOutputStream(client)) {
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String[] requestLine = head.lines().findFirst().orElse("").split(" ");
                    int length = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                            .map(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
                    byte[] body = in.readNBytes(length);
                    String target = requestLine.length > 1 ? requestLine[1] : "";
                    if (target.equals(PREFIX + "/invocation/next")) {
                        synchronized (nextCalls) {
                            nextCalls.incrementAndGet();
                            nextCalls.notifyAll();
                        }
                        String event = events.take();
                        String requestId = "bench-" + requestIds.incrementAndGet();
                        reply(out, 200, event, "Lambda-Runtime-Aws-Request-Id: " + requestId + "\r\n"
                                + "Lambda-Runtime-Deadline-Ms: " + (System.currentTimeMillis() + 60_000) + "\r\n"
                                + "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:bench\r\n");
                    } else if (target.endsWith("/response")) {
                        responses.add(System.nanoTime());
                        reply(out, 202, "{\"status\":\"OK\"}", "");
                    } else {
                        failure.complete(target + ": " + new String(body, UTF_8));
                        reply(out, 202, "{\"status\":\"OK\"}", "");
                    }
                }
            } catch (IOException e) {
                return; // the sandbox went away (killed, or a connection held at snapshot time): nothing to answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void reply(OutputStream out, int status, String body, String headers) throws IOException {
            byte[] bytes = body.getBytes(UTF_8);
            out.write(("HTTP/1.1 " + status + " OK\r\nContent-Type: application/json\r\n" + headers
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(UTF_8));
            out.write(bytes);
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                int n = head.size();
                if (n >= 4 && head.toString(UTF_8).endsWith("\r\n\r\n")) {
                    return head.toString(UTF_8);
                }
            }
            return null;
        }

        @Override
        public void close() {
            try {
                server.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("closing " + path + " failed", e);
            }
        }
    }
}
