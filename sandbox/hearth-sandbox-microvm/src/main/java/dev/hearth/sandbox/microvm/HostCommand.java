package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host tool (mkfs.ext4, xz, ldd, busybox) to completion and fails loudly: a non-zero exit
 * or a timeout is an {@link IOException} naming the command and quoting its stderr.
 *
 * <p>Threading: stateless, safe from any thread.
 */
final class HostCommand {
    private HostCommand() {}

    /** Runs {@code argv} and returns its stdout as UTF-8 text. */
    static String run(List<String> argv, Duration timeout) throws IOException {
        return new String(runBytes(argv, null, timeout), UTF_8);
    }

    /** Runs {@code argv} and returns its stdout whatever its exit status (for {@code ldd}, which fails on static files). */
    static String runAllowingFailure(List<String> argv, Duration timeout) throws IOException {
        return new String(execute(argv, null, timeout, false), UTF_8);
    }

    /**
     * Runs {@code argv}, writing its stdout to {@code stdoutFile} when given (else returning it),
     * and returns the captured stdout bytes (empty when written to a file).
     */
    static byte[] runBytes(List<String> argv, Path stdoutFile, Duration timeout) throws IOException {
        return execute(argv, stdoutFile, timeout, true);
    }

    private static byte[] execute(List<String> argv, Path stdoutFile, Duration timeout, boolean checkStatus)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (stdoutFile != null) {
            builder.redirectOutput(stdoutFile.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + argv.getFirst() + " (is it installed?): " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish within " + timeout);
            }
            byte[] err = stderr.join();
            if (checkStatus && process.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed with status " + process.exitValue() + ": "
                        + new String(err, UTF_8).strip());
            }
            return stdout.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.getFirst(), e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        HearthThreads.startVirtual("host-command-pipe", () -> {
            try (in) {
                result.complete(in.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return result;
    }
}
