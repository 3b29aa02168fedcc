package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Issue 24, the Extensions API through the whole server: a layer published with the AWS SDK holds
 * {@code extensions/my-ext} (python); every sandbox of a function using it starts the extension before
 * the runtime, Init waits for its registration, and it receives each invocation's INVOKE event with
 * Lambda's fields before the sandbox serves the next one.
 */
@Timeout(600)
final class TestExtensions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXTENSION = """
            #!/usr/bin/python3
            import http.client, json, os, tempfile, time
            host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
            api = http.client.HTTPConnection(host, int(port))
            time.sleep(0.5)
            api.request("POST", "/2020-01-01/extension/register", json.dumps({"events": ["INVOKE", "SHUTDOWN"]}),
                        {"Lambda-Extension-Name": "my-ext"})
            r = api.getresponse()
            registered = json.loads(r.read())
            ext_id = r.getheader("Lambda-Extension-Identifier")
            record = os.path.join(tempfile.gettempdir(), "my-ext.jsonl")
            with open(record, "a") as f:
                f.write(json.dumps({"registered": registered}) + "\\n")
            while True:
                api.request("GET", "/2020-01-01/extension/event/next", headers={"Lambda-Extension-Identifier": ext_id})
                event = json.loads(api.getresponse().read())
                with open(record, "a") as f:
                    f.write(json.dumps(event) + "\\n")
                if event["eventType"] == "SHUTDOWN":
                    break
            """;
    private static final String HANDLER = """
            import json, os, tempfile
            def handler(event, context):
                with open(os.path.join(tempfile.gettempdir(), "my-ext.jsonl")) as f:
                    return {"requestId": context.aws_request_id, "seen": [json.loads(line) for line in f]}
            """;

    private static HearthTestServer hearth;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        hearth = HearthTestServer.start();
        lambda = hearth.client();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {lambda, hearth}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void anExtensionFromALayerRegistersBeforeInitEndsAndReceivesEachInvokeEvent() throws Exception {
        SdkBytes layerZip = SdkBytes.fromByteArray(extensionLayer());
        String layer = lambda.publishLayerVersion(b -> b.layerName("my-ext").content(c -> c.zipFile(layerZip)))
                .layerVersionArn();
        lambda.createFunction(pythonFunction("with-extension", pythonZip(HANDLER)).layers(layer).timeout(30).build());

        JsonNode first = invoke();
        JsonNode second = invoke();

        assertThat(first.at("/seen/0/registered/functionName").asText()).as("Init waited for the registration: %s", first)
                .isEqualTo("with-extension");
        assertThat(first.at("/seen/0/registered/functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(first.at("/seen/0/registered/handler").asText()).isEqualTo("app.handler");
        JsonNode invokeEvent = second.at("/seen/1");
        assertThat(invokeEvent.get("eventType").asText()).as("%s", second).isEqualTo("INVOKE");
        assertThat(invokeEvent.get("requestId").asText()).isEqualTo(first.get("requestId").asText());
        assertThat(invokeEvent.get("invokedFunctionArn").asText()).endsWith(":function:with-extension");
        assertThat(invokeEvent.get("deadlineMs").asLong()).isGreaterThan(System.currentTimeMillis() - 600_000);
        assertThat(invokeEvent.at("/tracing/type").asText()).isEqualTo("X-Amzn-Trace-Id");
    }

    private static JsonNode invoke() throws Exception {
        InvokeResponse response = lambda.invoke(b -> b.functionName("with-extension"));
        assertThat(response.functionError()).as(() -> response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static byte[] extensionLayer() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            ZipArchiveEntry entry = new ZipArchiveEntry("extensions/my-ext");
            entry.setUnixMode(0100755);
            out.putArchiveEntry(entry);
            out.write(EXTENSION.getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        return zip.toByteArray();
    }
}
