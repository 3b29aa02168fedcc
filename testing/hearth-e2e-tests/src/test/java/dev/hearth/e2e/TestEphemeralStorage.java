package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EphemeralStorage;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Issue 18: {@code /tmp} is Lambda's ephemeral storage, not the function's memory. A 128 MB python
 * function with {@code EphemeralStorage} 512 fills its {@code /tmp} with 512 MiB without being
 * OOM-killed (it was, while {@code /tmp} was a tmpfs charged to its memory), and one more MiB fails
 * with {@code ENOSPC}; through the AWS SDK for Java v2 on the default backend.
 */
final class TestEphemeralStorage {
    private static final String FILLER = """
            import errno, os

            def handler(event, context):
                block, written = b'x' * (1024 * 1024), 0
                with open('/tmp/fill', 'wb') as f:
                    while written < 512:
                        f.write(block)
                        written += 1
                    f.flush()
                    os.fsync(f.fileno())
                try:
                    with open('/tmp/more', 'wb') as f:
                        f.write(block)
                        f.flush()
                        os.fsync(f.fileno())
                    beyond = 'written'
                except OSError as e:
                    beyond = errno.errorcode.get(e.errno, str(e.errno))
                return {'written': written, 'size': os.path.getsize('/tmp/fill'), 'beyond': beyond}
            """;

    private static HearthTestServer server;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
        lambda = server.client();
    }

    @AfterAll
    static void stop() throws Exception {
        lambda.close();
        server.close();
    }

    @Test
    void aSmallFunctionFillsItsWholeTmpAndNoMore() throws Exception {
        lambda.createFunction(HearthTestServer.pythonFunction("tmp-filler", HearthTestServer.pythonZip(FILLER))
                .memorySize(128).timeout(300).ephemeralStorage(EphemeralStorage.builder().size(512).build()).build());

        InvokeResponse response = lambda.invoke(r -> r.functionName("tmp-filler").payload(SdkBytes.fromUtf8String("{}")));

        String payload = response.payload().asUtf8String();
        assertThat(response.functionError()).as(payload).isNull();
        JsonNode result = new ObjectMapper().readTree(payload);
        assertThat(result.get("written").asInt()).isEqualTo(512);
        assertThat(result.get("size").asLong()).isEqualTo(512L * 1024 * 1024);
        assertThat(result.get("beyond").asText()).isEqualTo("ENOSPC");
    }
}
