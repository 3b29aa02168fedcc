package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The real {@code hearth server} process refusing to start: one line on stderr saying what is wrong
 * and how to fix it, no stack trace, exit status 1; and a data directory out of the sandbox user's
 * reach refused at start-up (namespace, process) or working (gVisor opens it as root), never found
 * only by the first invocation. The cases are independent server processes, run concurrently.
 */
@Execution(ExecutionMode.CONCURRENT)
final class TestStartupRefusals {
    private static final String REFUSAL = "Hearth did not start: ";

    @Test
    void microvmWithoutQemu() throws Exception {
        Path dataDir = Files.createTempDirectory("hearth-refusal");
        String qemu = "/nonexistent/qemu-system-x86_64";
        String line = refusal(Map.of("HEARTH_QEMU", qemu), List.of("--sandbox", "microvm"), dataDir);
        assertThat(line).startsWith(REFUSAL + "the microvm sandbox backend cannot run on this host; missing: QEMU: ")
                .contains("apt-get install qemu-system-x86", qemu);
    }

    @Test
    void unknownBackend() throws Exception {
        String line = refusal(Map.of("HEARTH_SANDBOX", "nonsense"), List.of(), Files.createTempDirectory("hearth-refusal"));
        assertThat(line).isEqualTo(REFUSAL + "unknown sandbox backend 'nonsense'; choose one of microvm, gvisor, namespace,"
                + " process (--sandbox or HEARTH_SANDBOX)");
    }

    @Test
    void sandboxAllowNetworkThatIsNotARange() throws Exception {
        String line = refusal(Map.of("HEARTH_SANDBOX_ALLOW_NETWORK", "10.1.0.0/16,10.0.0.0/33"), List.of("--sandbox", "process"),
                Files.createTempDirectory("hearth-refusal"));
        assertThat(line).isEqualTo(REFUSAL + "not an IP address range (CIDR, e.g. 10.1.0.0/16): '10.0.0.0/33'"
                + " (see: hearth server --help)");
    }

    @Test
    void missingCredentialsFile() throws Exception {
        Path dataDir = Files.createTempDirectory("hearth-refusal");
        Path credentials = dataDir.resolve("no-such-credentials");
        String line = refusal(Map.of(), List.of("--sandbox", "process", "--credentials", credentials.toString()), dataDir);
        assertThat(line).isEqualTo(REFUSAL + "the credentials file " + credentials + " does not exist; point --credentials"
                + " (HEARTH_CREDENTIALS) at an AWS credentials file, or start without it");
    }

    @Test
    void malformedCredentialsFile() throws Exception {
        Path dataDir = Files.createTempDirectory("hearth-refusal");
        Path credentials = Files.writeString(dataDir.resolve("credentials"), "[default]\naws_access_key_id = AKID\n");
        String line = refusal(Map.of(), List.of("--sandbox", "process", "--credentials", credentials.toString()), dataDir);
        assertThat(line).startsWith(REFUSAL + "Malformed AWS credentials file " + credentials + ", line 1: ")
                .contains("aws_secret_access_key").doesNotContain("AKID");
    }

    @Test
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path dataDir = Files.createTempDirectory("hearth-refusal");
            String line = refusal(Map.of(), List.of("--sandbox", "process", "--port", String.valueOf(taken.getLocalPort()),
                    "--data-dir", dataDir.toString()), null);
            assertThat(line).isEqualTo(REFUSAL + "cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use; stop what holds the port or choose another --port (HEARTH_PORT; 0 picks a free one)");
        }
    }

    @Test
    void dataDirectoryThatIsAFile() throws Exception {
        Path file = Files.createTempFile("hearth-refusal", ".txt");
        String line = refusal(Map.of(), List.of("--sandbox", "process"), file);
        assertThat(line).isEqualTo(REFUSAL + "cannot use the data directory " + file + ": " + file
                + " exists and is not a directory; fix that or choose another --data-dir");
    }

    /**
     * Regression: as root, a data directory below a directory only root may search (a
     * {@code mktemp -d}) was found only by the first invocation, as a 500. Once the named fix is
     * applied the same data directory works.
     */
    @ParameterizedTest
    @ValueSource(strings = {"namespace", "process"})
    void dataDirectoryOutOfTheSandboxUsersReach(String backend) throws Exception {
        assumeTrue(runningAsRoot(), "only a root server runs function code as another user");
        Path closed = Files.createTempDirectory("hearth-closed"); // mode 700, owned by root
        Path dataDir = closed.resolve("data");
        String line = refusal(Map.of(), List.of("--sandbox", backend), dataDir);
        assertThat(line).isEqualTo(REFUSAL + "the " + backend + " backend's sandbox user 65534:65534 cannot reach the data"
                + " directory " + dataDir + ": " + closed + " is not searchable by it (mode 700, owner 0:0); fix: chmod o+x "
                + closed + ", or choose a --data-dir it can reach (root's default is /var/lib/hearth)");

        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx-----x"));
        assertThat(invokeOnce(dataDir, backend)).isEqualTo("{\"ok\": 1}");
    }

    @Test
    void gvisorReachesAClosedDataDirectoryAsRoot() throws Exception {
        assumeTrue(runningAsRoot(), "gVisor needs root");
        Path dataDir = Files.createTempDirectory("hearth-closed").resolve("data");
        assertThat(invokeOnce(dataDir, "gvisor")).isEqualTo("{\"ok\": 1}");
    }

    /**
     * Starts {@code hearth server} on port 0 (on {@code dataDir} unless null), waits for it to exit,
     * and returns its one refusal line after checking exit status 1 and the absence of stack traces.
     */
    private static String refusal(Map<String, String> environment, List<String> arguments, Path dataDir) throws Exception {
        List<String> all = new ArrayList<>(arguments);
        if (dataDir != null) {
            all.addAll(List.of("--port", "0", "--data-dir", dataDir.toString()));
        }
        try (HearthProcess hearth = HearthProcess.start(environment, all)) {
            int status = hearth.awaitExit();
            List<String> lines = hearth.lines();
            assertThat(status).as("exit status; output:%n%s", String.join("\n", lines)).isEqualTo(1);
            assertThat(lines).as("no stack trace").noneMatch(l -> l.matches("\\s+at .*") || l.startsWith("Caused by:")
                    || l.contains("Exception in thread"));
            List<String> refusals = lines.stream().filter(l -> l.startsWith(REFUSAL)).toList();
            assertThat(refusals).as("output:%n%s", String.join("\n", lines)).hasSize(1);
            return refusals.getFirst();
        }
    }

    private static String invokeOnce(Path dataDir, String backend) throws Exception {
        try (HearthProcess hearth = HearthProcess.start(dataDir, "--sandbox", backend);
                LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create(hearth.awaitEndpoint()))
                        .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                        .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            lambda.createFunction(pythonFunction("reach", pythonZip("def handler(e, c):\n    return {\"ok\": 1}\n"))
                    .timeout(60).build());
            InvokeResponse response = lambda.invoke(r -> r.functionName("reach"));
            assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
            String payload = response.payload().asUtf8String();
            hearth.terminate();
            return payload;
        }
    }

    private static boolean runningAsRoot() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .map(l -> l.substring(4).strip().split("\\s+")[1]).findFirst().orElseThrow().equals("0");
    }
}
