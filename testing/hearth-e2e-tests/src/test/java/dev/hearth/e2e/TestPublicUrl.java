package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Issue 15: every URL Hearth hands out (GetFunction's {@code Code.Location}) is built from the
 * configured public URL, by default the listen address, never from the request's {@code Host} header.
 */
@Timeout(300)
final class TestPublicUrl {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aForgedHostHeaderDoesNotChangeCodeLocationWhichDownloadsTheZip() throws Exception {
        byte[] zip = pythonZip("def handler(event, context):\n    return 1\n");
        try (HearthTestServer hearth = HearthTestServer.start(); LambdaClient lambda = hearth.client()) {
            lambda.createFunction(pythonFunction("located", zip).build());

            String location = codeLocation(hearth.endpoint(), "located", "attacker.example:666");

            assertThat(location).startsWith(hearth.endpoint() + "/hearth/code/").doesNotContain("attacker");
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(download.statusCode()).isEqualTo(200);
                assertThat(download.body()).isEqualTo(zip);
            }
        }
    }

    @Test
    void aConfiguredPublicUrlIsWhereCodeLocationPoints() throws Exception {
        byte[] zip = pythonZip("def handler(event, context):\n    return 1\n");
        try (HearthTestServer hearth = HearthTestServer.start(Optional.empty(),
                config -> config.withPublicUrl(Optional.of(URI.create("https://lambda.example.test:8443/hearth-proxy/"))));
                LambdaClient lambda = hearth.client()) {
            lambda.createFunction(pythonFunction("proxied", zip).build());

            assertThat(codeLocation(hearth.endpoint(), "proxied", "attacker.example"))
                    .startsWith("https://lambda.example.test:8443/hearth-proxy/hearth/code/");
            assertThat(lambda.getFunction(b -> b.functionName("proxied")).code().location())
                    .startsWith("https://lambda.example.test:8443/hearth-proxy/hearth/code/");
        }
    }

    /** GetFunction over a plain socket, with {@code host} as the Host header (HTTP clients refuse to forge it). */
    private static String codeLocation(String endpoint, String function, String host) throws IOException {
        URI uri = URI.create(endpoint);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /2015-03-31/functions/" + function + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            String body = response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1);
            return JSON.readTree(body).path("Code").path("Location").asText();
        }
    }
}
