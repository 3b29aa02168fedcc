package dev.hearth.worker;

import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.process.ProcessSandboxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * What a worker test class shares: the real process backend, the runtime catalog and the test
 * functions, under one (world-readable) root; and fresh workers, each with a work directory of its own.
 * Close it when the class is done.
 */
final class ProcessWorkers implements AutoCloseable {
    private final Path root;
    private final ProcessSandboxBackend backend;
    private final RuntimeCatalog runtimes;
    private final AtomicInteger workDirs = new AtomicInteger();

    private ProcessWorkers(Path root) throws IOException {
        TestFunctions.openUp(root);
        this.root = root;
        this.backend = new ProcessSandboxBackend();
        this.runtimes = RuntimeCatalog.open(root.resolve("runtimes"));
    }

    static ProcessWorkers open(Path root) throws IOException {
        return new ProcessWorkers(root);
    }

    /** Installs test function {@code functions/<name>/<files>} and returns its task root. */
    Path install(String name, List<String> files) {
        return TestFunctions.install(root, name, files);
    }

    /** The runtime catalog the workers use. */
    RuntimeCatalog runtimes() {
        return runtimes;
    }

    /** A new worker with Lambda's defaults changed by {@code adjust}, on its own work directory. */
    Worker worker(UnaryOperator<WorkerConfig> adjust, InstantSource clock, LogSink logs) throws IOException {
        Path workDir = Files.createDirectories(root.resolve("work-" + workDirs.incrementAndGet()));
        TestFunctions.openUp(workDir);
        return new Worker(backend, runtimes, logs, adjust.apply(WorkerConfig.defaults(workDir)), clock);
    }

    @Override
    public void close() {
        backend.close();
    }
}
