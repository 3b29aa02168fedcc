package dev.hearth.e2e;

import dev.hearth.server.EmbeddedHearth;
import dev.hearth.server.HearthConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;

/** A whole Hearth started in this JVM on port 0 with a fresh data directory, and clients for it. */
final class HearthTestServer implements AutoCloseable {
    static final String ROLE = "arn:aws:iam::000000000000:role/hearth-test";

    private final EmbeddedHearth hearth;
    private final Path dataDir;

    private HearthTestServer(EmbeddedHearth hearth, Path dataDir) {
        this.hearth = hearth;
        this.dataDir = dataDir;
    }

    static HearthTestServer start() {
        return start(Optional.empty());
    }

    static HearthTestServer start(Optional<Path> credentials) {
        return start(credentials, UnaryOperator.identity());
    }

    /** A server whose configuration {@code adjust} changes from the test defaults. */
    static HearthTestServer start(Optional<Path> credentials, UnaryOperator<HearthConfig> adjust) {
        try {
            Path dataDir = Files.createTempDirectory("hearth-e2e");
            HearthConfig config = adjust.apply(HearthConfig.defaults(dataDir, 0).withCredentials(credentials));
            return new HearthTestServer(EmbeddedHearth.start(config), dataDir);
        } catch (Exception e) {
            throw new IllegalStateException("Hearth did not start", e);
        }
    }

    /** Stops this server and starts a new one with the same configuration and data directory. */
    HearthTestServer restart() throws Exception {
        HearthConfig config = hearth.config();
        hearth.close();
        return new HearthTestServer(EmbeddedHearth.start(config), dataDir);
    }

    String endpoint() {
        return hearth.endpoint();
    }

    Path dataDir() {
        return dataDir;
    }

    LambdaClient client() {
        return client("test-key", "test-secret");
    }

    LambdaClient client(String accessKey, String secretKey) {
        return client(accessKey, secretKey, Region.US_EAST_1);
    }

    /** A client acting in {@code region} with that key pair (without credentials configured, a 12-digit key id is the account). */
    LambdaClient client(String accessKey, String secretKey, Region region) {
        return LambdaClient.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    /** One key of a test credentials file: a profile with its key pair and the account it acts in. */
    record TestKey(String profile, String accessKeyId, String secretAccessKey, String accountId) {}

    /** A temporary AWS credentials file (as {@code --credentials} takes) holding {@code keys}. */
    static Path credentialsFile(TestKey... keys) throws IOException {
        StringBuilder file = new StringBuilder();
        for (TestKey key : keys) {
            file.append("[").append(key.profile()).append("]\naws_access_key_id = ").append(key.accessKeyId())
                    .append("\naws_secret_access_key = ").append(key.secretAccessKey())
                    .append("\naws_account_id = ").append(key.accountId()).append("\n");
        }
        return Files.writeString(Files.createTempFile("hearth-credentials", ".ini"), file);
    }

    /** An S3 client of this server's embedded S3 store, path-style, with that key pair. */
    S3Client s3(String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** An S3 client of this server's embedded S3 store with the key {@link #client()} uses. */
    S3Client s3() {
        return s3("test-key", "test-secret");
    }

    @Override
    public void close() throws Exception {
        hearth.close();
    }

    /** A python function package with one module. */
    static byte[] pythonZip(String source) {
        return zip(Map.of("app.py", source));
    }

    static byte[] zip(Map<String, String> files) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CreateFunctionRequest.Builder pythonFunction(String name, byte[] zip) {
        return CreateFunctionRequest.builder()
                .functionName(name)
                .runtime("python3.12")
                .handler("app.handler")
                .role(ROLE)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(zip)).build());
    }
}
