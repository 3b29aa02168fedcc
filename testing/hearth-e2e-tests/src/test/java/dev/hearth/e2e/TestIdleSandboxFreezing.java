package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Issue 18: what a handler leaves running makes no progress between invocations of a warm sandbox,
 * because Hearth freezes an idle sandbox as Lambda freezes an execution environment. A python
 * handler starts a background thread that counts in a file in {@code /tmp} every 10 ms; through the
 * AWS SDK for Java v2 on the default backend.
 */
final class TestIdleSandboxFreezing {
    /** How long the sandbox stays idle between the two invocations: 300 ticks if it ran. */
    private static final Duration IDLE = Duration.ofSeconds(3);

    private static final String COUNTER = """
            import os, threading, time
            COUNTER = '/tmp/counter'
            started = False

            def count():
                n = 0
                while True:
                    n += 1
                    with open(COUNTER + '.new', 'w') as f:
                        f.write(str(n))
                    os.replace(COUNTER + '.new', COUNTER)
                    time.sleep(0.01)

            def read():
                try:
                    with open(COUNTER) as f:
                        return int(f.read())
                except (FileNotFoundError, ValueError):
                    return 0

            def handler(event, context):
                global started
                if not started:
                    threading.Thread(target=count, daemon=True).start()
                    started = True
                start, at = read(), time.time()
                time.sleep(0.3)
                return {'start': start, 'end': read(), 'time': at}
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
    void aBackgroundThreadMakesNoProgressWhileTheSandboxIsIdle() throws Exception {
        lambda.createFunction(HearthTestServer.pythonFunction("leftover-counter", HearthTestServer.pythonZip(COUNTER))
                .timeout(60).build());

        JsonNode first = invoke();
        // the idle time passing is the point of the test: nothing to wait for
        Awaitility.await().pollDelay(IDLE).atMost(IDLE.plusSeconds(5)).until(() -> true);
        JsonNode second = invoke();

        assertThat(second.get("time").asDouble() - first.get("time").asDouble())
                .as("seconds between the invocations").isGreaterThanOrEqualTo(IDLE.toSeconds());
        assertThat(first.get("end").asInt() - first.get("start").asInt())
                .as("ticks while the first invocation ran (the thread runs while busy)").isGreaterThanOrEqualTo(5);
        assertThat(second.get("start").asInt() - first.get("end").asInt())
                .as("ticks while the sandbox was idle for %s (about %d if it ran)", IDLE, IDLE.toMillis() / 10)
                .isLessThan(50);
        assertThat(second.get("end").asInt() - second.get("start").asInt())
                .as("ticks while the second invocation ran (thawed)").isGreaterThanOrEqualTo(5);
    }

    private static JsonNode invoke() throws Exception {
        InvokeResponse response = lambda.invoke(r -> r.functionName("leftover-counter")
                .payload(SdkBytes.fromUtf8String("{}")));
        String payload = response.payload().asUtf8String();
        assertThat(response.functionError()).as(payload).isNull();
        return new ObjectMapper().readTree(payload);
    }
}
