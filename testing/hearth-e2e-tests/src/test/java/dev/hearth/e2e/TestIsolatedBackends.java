package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * A whole Hearth started with each isolating backend ({@code --sandbox NAME}): a python function runs
 * inside it with Lambda's view (/var/task, the Runtime API at 127.0.0.1:9001, a writable /tmp, an
 * unprivileged user where the backend drops privileges) and stays warm between invocations. Kept
 * small: under software emulation every microVM cold start boots a guest.
 */
final class TestIsolatedBackends {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = """
            import os, platform
            count = 0
            def handler(event, context):
                global count
                count += 1
                with open("/tmp/probe", "w") as f:
                    f.write("x")
                shadow = "readable"
                try:
                    open("/etc/shadow").read()
                except OSError:
                    shadow = "denied"
                return {"count": count, "kernel": platform.release(), "task": os.environ["LAMBDA_TASK_ROOT"],
                        "api": os.environ["AWS_LAMBDA_RUNTIME_API"], "shadow": shadow, "event": event}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"namespace", "gvisor", "microvm"})
    void pythonFunctionRunsIsolatedAndStaysWarm(String backend) throws Exception {
        try (HearthTestServer server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of(backend)));
                LambdaClient lambda = server.client()) {
            lambda.createFunction(pythonFunction("isolated", pythonZip(FUNCTION)).memorySize(256).timeout(60).build());

            JsonNode first = invoke(lambda, "{\"n\":1}");
            JsonNode second = invoke(lambda, "{\"n\":2}");
            assertThat(first.path("event").path("n").asInt()).isEqualTo(1);
            assertThat(first.path("task").asText()).isEqualTo("/var/task");
            assertThat(first.path("api").asText()).isEqualTo("127.0.0.1:9001");
            assertThat(first.path("shadow").asText()).isEqualTo("denied");
            if (!backend.equals("namespace")) {
                assertThat(first.path("kernel").asText()).as("a kernel of its own (gVisor's or the guest's), not the host's")
                        .isNotEqualTo(System.getProperty("os.version"));
            }
            assertThat(second.path("count").asInt()).as("warm sandbox reused").isEqualTo(2);
        }
    }

    private static JsonNode invoke(LambdaClient lambda, String payload) throws Exception {
        InvokeResponse response = lambda.invoke(r -> r.functionName("isolated").payload(SdkBytes.fromUtf8String(payload)));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }
}
