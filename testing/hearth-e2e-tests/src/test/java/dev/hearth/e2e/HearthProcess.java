package dev.hearth.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code hearth server} as a separate process (the jar the build produced), for tests of
 * start-up, SIGTERM and restarts. Its log lines are collected for assertions.
 */
final class HearthProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Hearth listening on (http://\\S+)");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> endpoint = new CompletableFuture<>();
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();

    private HearthProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().name("hearth-process-log").start(this::pump);
    }

    static HearthProcess start(Path dataDir, String... extraArgs) throws IOException {
        List<String> arguments = new java.util.ArrayList<>(List.of("--port", "0", "--data-dir", dataDir.toString()));
        arguments.addAll(List.of(extraArgs));
        return start(Map.of(), arguments);
    }

    /**
     * {@code hearth server ARGUMENTS} exactly as given, with no {@code HEARTH_*} variables from this
     * environment but those of {@code environment}.
     */
    static HearthProcess start(Map<String, String> environment, List<String> arguments) throws IOException {
        Path jar = Path.of(System.getProperty("hearth.serverJar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the server jar " + jar + " is missing: build server/hearth-server first");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", jar.toString(), "server"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
        builder.environment().putAll(environment);
        return new HearthProcess(builder.start());
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    endpoint.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            endpoint.completeExceptionally(e);
        } finally {
            outputEnded.complete(null);
        }
        endpoint.completeExceptionally(new IllegalStateException("hearth exited before listening:\n" + String.join("\n", lines)));
    }

    String awaitEndpoint() throws Exception {
        return endpoint.get(60, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM and waits for the process to end and its output to be read; returns its exit status. */
    int terminate() throws Exception {
        // ProcessHandle.destroy sends SIGTERM without closing our ends of the pipes (Process.destroy
        // closes them, losing what the server logs while it stops).
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("hearth did not stop within 30 s of SIGTERM:\n" + String.join("\n", lines));
        }
        outputEnded.get(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** Waits (generously) for the process to end by itself and its output to be read; returns its exit status. */
    int awaitExit() throws Exception {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("hearth did not exit within 120 s:\n" + String.join("\n", lines));
        }
        outputEnded.get(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** Sends SIGKILL and waits for the process to end; returns its exit status. */
    int kill() throws Exception {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("hearth did not end within 30 s of SIGKILL");
        }
        return process.exitValue();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        // SIGTERM first, so the server stops its sandboxes and unmounts their /tmp volumes (a test's data
        // directory can then be deleted); SIGKILL only if it does not stop in time
        process.toHandle().destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
