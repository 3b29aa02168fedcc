package dev.hearth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real AWS CLI v2 ({@code /usr/bin/aws}) against an endpoint with dummy credentials, empty
 * config files of its own and region us-east-1, so the host's configuration never leaks in.
 */
final class AwsCliRunner {
    static final Path BINARY = Path.of("/usr/bin/aws");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String endpoint;
    private final Path home;

    record Result(int exitCode, String stdout, String stderr) {
        JsonNode json() throws IOException {
            if (exitCode != 0) {
                throw new AssertionError("aws failed with " + exitCode + ": " + stderr);
            }
            return JSON.readTree(stdout);
        }
    }

    AwsCliRunner(String endpoint, Path home) throws IOException {
        this.endpoint = endpoint;
        this.home = home;
        Files.writeString(home.resolve("config"), "");
        Files.writeString(home.resolve("credentials"), "");
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--endpoint-url", endpoint, "--no-cli-pager",
                "--output", "json", "--color", "off"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Path out = Files.createTempFile(home, "stdout", ".txt");
        Path err = Files.createTempFile(home, "stderr", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("aws " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
