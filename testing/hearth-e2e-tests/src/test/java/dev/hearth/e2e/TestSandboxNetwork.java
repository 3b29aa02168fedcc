package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The finding of issue 18 through the real server: with {@code --host 0.0.0.0}, Hearth's API answers
 * on every host address, yet a function (namespace backend) reaches it at none of them, nor at its
 * own loopback; the refusal is immediate ({@code No route to host}), not a timeout. Needs root.
 */
final class TestSandboxNetwork {

    private static final String PROBE = """
            import json, socket
            def handler(event, context):
                results = {}
                for host in event['hosts']:
                    try:
                        socket.create_connection((host, event['port']), timeout=5).close()
                        results[host] = 'CONNECTED'
                    except OSError as e:
                        results[host] = type(e).__name__ + ': ' + str(e)
                return results
            """;

    @Test
    void functionsReachNoAddressOfTheHostEvenWhenHearthListensOnAll() throws Exception {
        assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .anyMatch(l -> l.substring(4).strip().split("\\s+")[1].equals("0")), "the namespace backend needs root");
        List<String> hostAddresses = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .map(InetAddress::getHostAddress).toList();
        assumeTrue(!hostAddresses.isEmpty(), "needs a non-loopback IPv4 address on this host");
        Path dataDir = Files.createTempDirectory("hearth-network");
        try (HearthProcess hearth = HearthProcess.start(dataDir, "--sandbox", "namespace", "--host", "0.0.0.0")) {
            int port = URI.create(hearth.awaitEndpoint()).getPort();
            try (Socket fromHost = new Socket()) {
                fromHost.connect(new InetSocketAddress(hostAddresses.getFirst(), port), 5_000);
            }
            try (LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                    .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                    .httpClientBuilder(ApacheHttpClient.builder()).build()) {
                lambda.createFunction(pythonFunction("probe", pythonZip(PROBE)).timeout(60).build());
                String hosts = String.join("\", \"", hostAddresses);
                InvokeResponse response = lambda.invoke(r -> r.functionName("probe").payload(SdkBytes.fromUtf8String(
                        "{\"hosts\": [\"" + hosts + "\", \"127.0.0.1\"], \"port\": " + port + "}")));

                String payload = response.payload().asUtf8String();
                assertThat(response.functionError()).as(payload).isNull();
                assertThat(payload).doesNotContain("CONNECTED")
                        .contains("\"" + hostAddresses.getFirst() + "\": \"OSError: [Errno 113] No route to host\"")
                        .contains("\"127.0.0.1\": \"ConnectionRefusedError");
            }
            hearth.terminate();
        }
    }
}
