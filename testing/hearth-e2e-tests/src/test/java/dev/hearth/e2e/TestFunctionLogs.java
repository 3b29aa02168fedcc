package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** Function logs land in /aws/lambda/NAME with Lambda's platform lines, readable with CloudWatch Logs clients and `hearth logs`. */
final class TestFunctionLogs {
    private static HearthTestServer server;
    private static LambdaClient lambda;
    private static CloudWatchLogsClient logs;

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
        lambda = server.client();
        logs = CloudWatchLogsClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        logs.close();
        lambda.close();
        server.close();
    }

    @Test
    void invocationLogsAreStoredWithPlatformLines() {
        lambda.createFunction(pythonFunction("logged", pythonZip("""
                import logging
                logging.getLogger().setLevel(logging.INFO)
                def handler(event, context):
                    print("printed", event["n"])
                    logging.info("logged %s", event["n"])
                    return event["n"]
                """)).build());
        for (int n = 1; n <= 2; n++) {
            String payload = "{\"n\":" + n + "}";
            lambda.invoke(r -> r.functionName("logged").payload(SdkBytes.fromUtf8String(payload)));
        }

        List<String> messages = await().atMost(60, TimeUnit.SECONDS).until(() -> logs.filterLogEventsPaginator(
                r -> r.logGroupName("/aws/lambda/logged")).events().stream().map(FilteredLogEvent::message).toList(),
                m -> m.stream().filter(l -> l.startsWith("REPORT RequestId:")).count() == 2);
        assertThat(messages.stream().filter(l -> l.startsWith("START RequestId:"))).hasSize(2);
        assertThat(messages.stream().filter(l -> l.startsWith("END RequestId:"))).hasSize(2);
        assertThat(messages).anyMatch(l -> l.contains("printed 1")).anyMatch(l -> l.contains("printed 2"));
        assertThat(messages).anyMatch(l -> l.startsWith("[INFO]") && l.contains("logged 2"));
        assertThat(messages.stream().filter(l -> l.contains("Init Duration"))).hasSize(1);

        var streams = logs.describeLogStreams(r -> r.logGroupName("/aws/lambda/logged")).logStreams();
        assertThat(streams).hasSize(1);
        assertThat(streams.getFirst().logStreamName()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST\\][0-9a-f]{32}");
    }

    @Test
    void hearthLogsCommandPrintsTheGroup() throws Exception {
        lambda.createFunction(pythonFunction("cli-logged", pythonZip("def handler(e, c):\n    print('from the cli test')\n    return 1\n")).build());
        lambda.invoke(r -> r.functionName("cli-logged"));
        await().atMost(60, TimeUnit.SECONDS).until(() -> !logs.filterLogEvents(r -> r.logGroupName("/aws/lambda/cli-logged")
                .filterPattern("REPORT")).events().isEmpty());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-jar", System.getProperty("hearth.serverJar"), "logs", "cli-logged",
                "--endpoint", server.endpoint()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("from the cli test").contains("REPORT RequestId:").contains("[$LATEST]");
    }
}
