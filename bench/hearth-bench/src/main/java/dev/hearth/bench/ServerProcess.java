package dev.hearth.bench;

import dev.hearth.threads.HearthThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test running as its own JVM (the real {@code hearth server}, or the
 * {@link EchoServer}), started with the same {@code java} as the benchmark. Its output is collected
 * (the last lines are shown when it fails); its endpoint is the URL it logs once it listens.
 *
 * <p>Ownership: closing sends SIGTERM and waits for the process to end (SIGKILL after 30 s).
 */
final class ServerProcess implements AutoCloseable {
    private static final int KEPT_LINES = 200;
    private static final Pattern HEARTH_LISTENING = Pattern.compile("Hearth listening on (http://\\S+)");
    private static final Pattern EXCEPTION_LINE = Pattern.compile("^(?:Caused by: )?[\\w.$]+(?:Exception|Error): (.+)$");

    private final String name;
    private final Process process;
    private final Pattern listening;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();

    private ServerProcess(String name, Process process, Pattern listening) {
        this.name = name;
        this.process = process;
        this.listening = listening;
        HearthThreads.startDaemon(name + "-output", this::pump);
    }

    /** Starts {@code java jvmArgs... args...}; the endpoint is group 1 of {@code listening}. */
    static ServerProcess startJava(String name, List<String> jvmArgs, List<String> args, Pattern listening)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
        return new ServerProcess(name, builder.start(), listening);
    }

    /**
     * Starts {@code java jvmOptions... -jar serverJar server} on loopback, port 0, with its own data
     * directory and the given {@code --sandbox} backend.
     */
    static ServerProcess startHearth(String name, Path serverJar, Path dataDir, String sandbox, List<String> jvmOptions)
            throws IOException {
        if (!java.nio.file.Files.isRegularFile(serverJar)) {
            throw new IllegalStateException("Hearth's server jar " + serverJar.toAbsolutePath()
                    + " is missing: build it with ./mvnw -B -q -pl server/hearth-server install -DskipTests");
        }
        return startJava(name, jvmOptions, List.of("-jar", serverJar.toString(), "server", "--host", "127.0.0.1",
                "--port", "0", "--data-dir", dataDir.toString(), "--sandbox", sandbox), HEARTH_LISTENING);
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (lines.size() > KEPT_LINES) {
                    lines.removeFirst();
                }
                Matcher m = listening.matcher(line);
                if (!endpoint.isDone() && m.find()) {
                    endpoint.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            endpoint.completeExceptionally(e);
        }
        endpoint.completeExceptionally(new IllegalStateException(
                name + " exited before it listened:\n" + String.join("\n", lines)));
    }

    /** Waits up to a minute for the server to log its URL. */
    URI awaitEndpoint() throws InterruptedException {
        try {
            return endpoint.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + " did not start", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " did not log its URL within 60 s:\n" + String.join("\n", lines), e);
        }
    }

    /**
     * Why the server failed, as its output says: the messages of the exception lines it printed
     * (the exception and its causes), or its last line when it printed none.
     */
    String failureSummary() {
        return failureSummary(recentOutput());
    }

    static String failureSummary(List<String> output) {
        List<String> messages = output.stream().map(String::strip).map(EXCEPTION_LINE::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).distinct().toList();
        if (!messages.isEmpty()) {
            return String.join("; caused by: ", messages);
        }
        return output.isEmpty() ? "no output" : output.getLast();
    }

    long pid() {
        return process.pid();
    }

    /** The last lines the server printed, oldest first. */
    List<String> recentOutput() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
