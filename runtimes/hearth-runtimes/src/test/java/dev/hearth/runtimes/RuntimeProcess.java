package dev.hearth.runtimes;

import dev.hearth.sandbox.spi.SandboxView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One runtime started as the process backend would: the catalogue's command, Lambda's standard
 * environment (as the worker sets it) plus the catalogue's, stdout and stderr captured to a file.
 */
final class RuntimeProcess implements AutoCloseable {

    static final String FUNCTION_NAME = "hearth-test";
    static final String LOG_GROUP = "/aws/lambda/hearth-test";

    private final Process process;
    private final Path output;

    private RuntimeProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static RuntimeProcess start(RuntimeCatalog catalog, String runtimeId, String handler, Path taskRoot,
            Path workDir, RuntimeApiTestServer api) throws IOException {
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        Path runtimeRoot = catalog.runtimeRoot(runtimeId);
        SandboxView view = new SandboxView(taskRoot.toString(), runtimeRoot.toString(), tmp.toString(), api.address());
        RuntimeLaunch launch = catalog.launch(runtimeId, handler, view);
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment.put("LANG", "en_US.UTF-8");
        environment.put("TZ", ":UTC");
        environment.put("_HANDLER", handler);
        environment.put("LAMBDA_TASK_ROOT", view.taskRoot());
        environment.put("LAMBDA_RUNTIME_DIR", view.runtimeRoot());
        environment.put("AWS_LAMBDA_RUNTIME_API", view.runtimeApi());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME);
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256");
        environment.put("AWS_LAMBDA_LOG_GROUP_NAME", LOG_GROUP);
        environment.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/22/[$LATEST]0123456789abcdef");
        environment.put("AWS_REGION", "us-east-1");
        environment.put("AWS_DEFAULT_REGION", "us-east-1");
        environment.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + runtimeId);
        environment.put("TMPDIR", view.tmpDir());
        environment.putAll(launch.environment());
        Path output = workDir.resolve("output.log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(launch.command()))
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new RuntimeProcess(builder.start(), output);
    }

    /** Everything the runtime wrote to stdout and stderr so far. */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The output split at line feeds only: a carriage return inside a log event does not end it. */
    List<String> outputLines() {
        return List.of(output().split("\n"));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("runtime process " + process.pid() + " did not exit");
        }
    }
}
