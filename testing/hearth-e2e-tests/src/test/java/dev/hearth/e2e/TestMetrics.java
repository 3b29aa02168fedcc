package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** {@code GET /hearth/metrics}: Prometheus text with the worker's starts and the keep-alive policy, unsigned. */
final class TestMetrics {
    @TempDir
    Path dir;

    @Test
    void coldAndWarmStartsAndTheKeepAlivePolicyAreScrapedWithoutASignature() throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = AKIDMETRICS\naws_secret_access_key = metrics-secret\n");
        try (HearthTestServer server = HearthTestServer.start(Optional.of(credentials));
                LambdaClient lambda = server.client("AKIDMETRICS", "metrics-secret");
                HttpClient http = HttpClient.newHttpClient()) {
            lambda.createFunction(pythonFunction("measured", pythonZip("def handler(event, context):\n    return event\n")).build());
            for (int i = 0; i < 3; i++) {
                lambda.invoke(r -> r.functionName("measured").payload(SdkBytes.fromUtf8String("{}")));
            }

            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/hearth/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
            assertThat(scrape.body())
                    .contains("hearth_cold_starts_total 1.0")
                    .contains("hearth_warm_starts_total 2.0")
                    .contains("hearth_sandboxes_idle 1.0")
                    .contains("hearth_keepalive_decisions_total{decision=\"keep\",policy=\"fixed\"} 3.0")
                    .contains("hearth_concurrency_limit 1000.0");
        }
    }
}
