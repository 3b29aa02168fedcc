package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/** The real server process: one log line with its URL, a clean stop on SIGTERM, and nothing lost across restarts. */
final class TestRestart {

    @Test
    void everythingSurvivesSigtermAndRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("hearth-restart");
        String sha;
        try (HearthProcess first = HearthProcess.start(dataDir)) {
            String endpoint = first.awaitEndpoint();
            try (LambdaClient lambda = client(endpoint)) {
                sha = lambda.createFunction(pythonFunction("durable", pythonZip("def handler(e, c):\n    return 1\n"))
                        .tags(Map.of("keep", "yes")).publish(true).build()).codeSha256();
                lambda.updateFunctionCode(r -> r.functionName("durable")
                        .zipFile(SdkBytes.fromByteArray(pythonZip("def handler(e, c):\n    return 2\n"))));
                lambda.createAlias(r -> r.functionName("durable").name("live").functionVersion("1"));
            }
            assertThat(first.lines()).anyMatch(l -> l.contains("Hearth listening on http://127.0.0.1:"));
            assertThat(first.lines()).anyMatch(l -> l.contains("No credentials configured"));
            int status = first.terminate();
            assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
            assertThat(first.lines()).as("server output, exit status %d", status).anyMatch(l -> l.contains("Hearth stopped"));
        }

        try (HearthProcess second = HearthProcess.start(dataDir); LambdaClient lambda = client(second.awaitEndpoint())) {
            assertThat(lambda.getFunction(r -> r.functionName("durable")).tags()).containsEntry("keep", "yes");
            assertThat(lambda.getFunctionConfiguration(r -> r.functionName("durable:1")).codeSha256()).isEqualTo(sha);
            assertThat(lambda.getFunctionConfiguration(r -> r.functionName("durable")).codeSha256()).isNotEqualTo(sha);
            assertThat(lambda.listAliases(r -> r.functionName("durable")).aliases()).extracting(AliasConfiguration::functionVersion)
                    .containsExactly("1");
            assertThat(lambda.listVersionsByFunction(r -> r.functionName("durable")).versions())
                    .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1");
            second.terminate();
        }
    }

    @Test
    void secondServerOnTheSameDataDirectoryIsRefused() throws Exception {
        Path dataDir = Files.createTempDirectory("hearth-lock");
        try (HearthProcess first = HearthProcess.start(dataDir)) {
            first.awaitEndpoint();
            try (HearthProcess second = HearthProcess.start(dataDir)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(second::awaitEndpoint).hasMessageContaining("another Hearth server");
            }
            first.terminate();
        }
    }

    private static LambdaClient client(String endpoint) {
        return LambdaClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
