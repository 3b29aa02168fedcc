package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a boto3 script, the third real client beside the AWS SDK for Java v2 and the AWS CLI v2,
 * against a Hearth endpoint: the endpoint is in the script's environment as {@code HEARTH}, and no
 * {@code AWS_*} variable of the host leaks in (scripts pass their own keys and region). The Python is
 * the first {@code python3} on {@code PATH} that has boto3 (the image's, boto3 1.43), else Debian's
 * {@code /usr/bin/python3} with {@code python3-boto3}, which {@code ./run-tests} installs.
 */
final class Boto3 {
    private static final String PYTHON = python();

    private Boto3() {}

    /** Debian's Python with its boto3 1.26, whose SQS client speaks the query protocol (newer ones speak JSON). */
    static final String DEBIAN_PYTHON = "/usr/bin/python3";

    /** Runs {@code script} and returns its standard output; fails the test when the script fails. */
    static String run(String endpoint, String script) throws IOException, InterruptedException {
        return run(PYTHON, endpoint, script);
    }

    /** Runs {@code script} with the Python interpreter {@code python} (with its own boto3). */
    static String run(String python, String endpoint, String script) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("boto3");
        try {
            Path file = Files.writeString(dir.resolve("script.py"), script);
            ProcessBuilder builder = new ProcessBuilder(python, file.toString())
                    .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
            builder.environment().put("HEARTH", endpoint);
            Process process = builder.start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the boto3 script did not finish in 300 s");
            }
            String stderr = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(stderr).isZero();
            return Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static String python() {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import boto3").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return "python3";
            }
        } catch (IOException e) {
            // no python3 on PATH: Debian's below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "/usr/bin/python3";
    }
}
