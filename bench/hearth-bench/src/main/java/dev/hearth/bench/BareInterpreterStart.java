package dev.hearth.bench;

import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.runtimes.RuntimeLaunch;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cold-start baselines: how long the bare interpreter takes to start, and to run Hearth's own
 * python bootstrap through one invocation of the same no-op handler against a {@link StubRuntimeApi}
 * (from spawning the process to the response arriving), with the environment Hearth gives a sandbox.
 *
 * <p>Owns a scratch directory (task root and extracted bootstrap files), world-readable so that a
 * wrapper may drop to an unprivileged user. Not thread-safe: one sample at a time.
 */
final class BareInterpreterStart {
    private static final String RUNTIME = "python3.12";

    private final Path taskRoot;
    private final Path tmpDir;
    private final RuntimeLaunch launch;
    private final Map<String, String> lambdaEnvironment;

    /**
     * @param scratch an empty directory this object may fill
     * @param function the python no-op, written to the task root
     */
    BareInterpreterStart(Path scratch, NoopFunction function) throws IOException {
        openForEveryone(scratch);
        taskRoot = Files.createDirectories(scratch.resolve("task"));
        tmpDir = Files.createDirectories(scratch.resolve("tmp"));
        for (Map.Entry<String, byte[]> file : function.files().entrySet()) {
            Files.write(taskRoot.resolve(file.getKey()), file.getValue());
        }
        openForEveryone(taskRoot);
        Files.setPosixFilePermissions(tmpDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        RuntimeCatalog catalog = RuntimeCatalog.open(scratch.resolve("runtimes"));
        Path runtimeRoot = catalog.runtimeRoot(RUNTIME);
        for (Path dir = runtimeRoot; dir.startsWith(scratch) && !dir.equals(scratch); dir = dir.getParent()) {
            openForEveryone(dir);
        }
        launch = catalog.launch(RUNTIME, function.handler(),
                new SandboxView(taskRoot.toString(), runtimeRoot.toString(), tmpDir.toString(), "unused"));
        lambdaEnvironment = Map.ofEntries(
                Map.entry("PATH", "/usr/local/bin:/usr/bin:/bin"),
                Map.entry("LANG", "en_US.UTF-8"),
                Map.entry("TZ", ":UTC"),
                Map.entry("TMPDIR", tmpDir.toString()),
                Map.entry("_HANDLER", function.handler()),
                Map.entry("LAMBDA_TASK_ROOT", taskRoot.toString()),
                Map.entry("LAMBDA_RUNTIME_DIR", runtimeRoot.toString()),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", "bare"),
                Map.entry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb())),
                Map.entry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bare"),
                Map.entry("AWS_LAMBDA_LOG_STREAM_NAME", "bare"),
                Map.entry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
                Map.entry("AWS_REGION", "us-east-1"),
                Map.entry("AWS_DEFAULT_REGION", "us-east-1"),
                Map.entry("AWS_EXECUTION_ENV", "AWS_Lambda_" + RUNTIME));
    }

    /** The interpreter Hearth runs python functions with. */
    String python() {
        return launch.command().getFirst();
    }

    /** Runs {@code argv} to completion (it must exit 0); returns nanoseconds from spawn to exit. */
    long command(List<String> argv) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        int status = process.waitFor();
        long took = System.nanoTime() - start;
        if (status != 0) {
            throw new IllegalStateException(argv + " exited with " + status + ": " + new String(output, StandardCharsets.UTF_8));
        }
        return took;
    }

    /**
     * One run of the bootstrap.
     *
     * @param nanos from spawning the process until the handler's response arrived
     * @param response what the runtime posted as the response
     */
    record BootstrapRun(long nanos, String response) {}

    /**
     * Starts {@code wrapper... python bootstrap.py} against a fresh stub Runtime API, waits for the
     * response to {@code event}, then kills the process.
     */
    BootstrapRun bootstrap(List<String> wrapper, byte[] event) throws IOException, InterruptedException {
        try (StubRuntimeApi api = new StubRuntimeApi(event)) {
            List<String> argv = new ArrayList<>(wrapper);
            argv.addAll(launch.command());
            ProcessBuilder builder = new ProcessBuilder(argv).directory(taskRoot.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(lambdaEnvironment);
            builder.environment().putAll(launch.environment());
            builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
            long start = System.nanoTime();
            Process process = builder.start();
            try {
                StubRuntimeApi.Posted posted = api.response().get(30, TimeUnit.SECONDS);
                return new BootstrapRun(posted.arrivedNanos() - start, new String(posted.body(), StandardCharsets.UTF_8));
            } catch (ExecutionException e) {
                throw new IllegalStateException(argv + " failed", e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException(argv + " gave no response within 30 s (alive: " + process.isAlive() + ")", e);
            } finally {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    private static void openForEveryone(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
