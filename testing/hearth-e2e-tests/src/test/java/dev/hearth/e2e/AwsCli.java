package dev.hearth.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real AWS CLI v2 ({@code /usr/bin/aws}, Debian's awscli, installed by ./run-tests) against a
 * Hearth endpoint, with its own config and credentials files so the host's never leak in.
 */
final class AwsCli {
    static final Path BINARY = Path.of("/usr/bin/aws");

    private final String endpoint;
    private final Path home;

    AwsCli(String endpoint, String accessKey, String secretKey) throws IOException {
        this.endpoint = endpoint;
        this.home = Files.createTempDirectory("aws-cli");
        Files.writeString(home.resolve("credentials"),
                "[default]\naws_access_key_id = " + accessKey + "\naws_secret_access_key = " + secretKey + "\n");
        Files.writeString(home.resolve("config"), "[default]\nregion = us-east-1\noutput = json\n");
    }

    record Result(int exitCode, String stdout, String stderr) {}

    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--endpoint-url", endpoint, "--no-cli-pager"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_MAX_ATTEMPTS", "1");
        Path out = home.resolve("stdout");
        Path err = home.resolve("stderr");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("aws " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A file in the CLI's working directory (where relative paths such as invoke's outfile land). */
    Path path(String name) {
        return home.resolve(name);
    }

    Path file(String name, byte[] content) throws IOException {
        Path file = home.resolve(name);
        Files.write(file, content);
        return file;
    }
}
