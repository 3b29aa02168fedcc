package dev.hearth.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.core.AccountContext;
import dev.hearth.http.HttpApiServer;
import dev.hearth.http.RequestAuthenticator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** End to end: the real AWS CLI v2 and the AWS SDK for Java v2 against the API served by Hearth's HTTP server on port 0. */
final class TestCloudWatchLogsOverHttp {
    private static final String GROUP = "/aws/lambda/f";

    @TempDir
    Path dir;

    private SqliteLogStore store;
    private HttpApiServer server;
    private AwsCliRunner aws;
    private final List<String> expected = new ArrayList<>();
    private Instant base;

    @BeforeEach
    void start() throws Exception {
        store = SqliteLogStore.open(dir.resolve("logs.db"), LogStoreSettings.DEFAULTS, InstantSource.system(), Optional.empty());
        server = new HttpApiServer("127.0.0.1", 0, List.of(new CloudWatchLogsApi(store, AccountContext.DEFAULT).service()),
                RequestAuthenticator.ACCEPT_ALL, AccountContext.DEFAULT);
        server.start();
        aws = new AwsCliRunner("http://127.0.0.1:" + server.port(), Files.createDirectory(dir.resolve("aws")));
        // recent timestamps: `aws logs tail` looks at the last 10 minutes by default
        base = Instant.now().minusSeconds(60);
        String stream = "2026/11/22/[$LATEST]0123456789abcdef";
        write(stream, 0, "START RequestId: 11111111-1111-1111-1111-111111111111 Version: $LATEST");
        write(stream, 1, "hello from the handler");
        write("2026/11/22/[$LATEST]fedcba9876543210", 2, "ERROR something failed");
        write(stream, 3, "END RequestId: 11111111-1111-1111-1111-111111111111");
        write(stream, 4, "REPORT RequestId: 11111111-1111-1111-1111-111111111111\tDuration: 1.50 ms\tBilled Duration: 2 ms");
        store.flush();
    }

    private void write(String stream, int offsetMillis, String message) {
        store.append(GROUP, stream, base.plusMillis(offsetMillis), message);
        expected.add(message);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    @Test
    void filterLogEventsPaginatesThroughEverything() throws Exception {
        // --page-size 2 makes the CLI follow nextToken across three requests
        JsonNode out = aws.run("logs", "filter-log-events", "--log-group-name", GROUP, "--page-size", "2").json();
        assertThat(out.get("events")).extracting(e -> e.get("message").asText()).containsExactlyElementsOf(expected);
        JsonNode first = out.get("events").get(0);
        assertThat(first.get("logStreamName").asText()).isEqualTo("2026/11/22/[$LATEST]0123456789abcdef");
        assertThat(first.get("timestamp").asLong()).isEqualTo(base.toEpochMilli());
        assertThat(first.get("ingestionTime").asLong()).isGreaterThanOrEqualTo(base.toEpochMilli());
        assertThat(first.get("eventId").asText()).isNotEmpty();

        JsonNode errors = aws.run("logs", "filter-log-events", "--log-group-name", GROUP, "--filter-pattern", "ERROR").json();
        assertThat(errors.get("events")).extracting(e -> e.get("message").asText()).containsExactly("ERROR something failed");
    }

    @Test
    void getLogEventsAndDescribeLogStreams() throws Exception {
        JsonNode events = aws.run("logs", "get-log-events", "--log-group-name", GROUP, "--log-stream-name",
                "2026/11/22/[$LATEST]0123456789abcdef", "--start-from-head").json();
        assertThat(events.get("events")).extracting(e -> e.get("message").asText())
                .containsExactlyElementsOf(expected.stream().filter(m -> !m.startsWith("ERROR")).toList());
        assertThat(events.get("nextForwardToken").asText()).isNotEmpty();

        JsonNode streams = aws.run("logs", "describe-log-streams", "--log-group-name", GROUP, "--order-by", "LastEventTime",
                "--descending").json();
        assertThat(streams.get("logStreams")).extracting(s -> s.get("logStreamName").asText())
                .containsExactly("2026/11/22/[$LATEST]0123456789abcdef", "2026/11/22/[$LATEST]fedcba9876543210");
        assertThat(streams.get("logStreams").get(0).get("lastEventTimestamp").asLong()).isEqualTo(base.toEpochMilli() + 4);
        assertThat(streams.get("logStreams").get(0).get("arn").asText())
                .isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:log-stream:2026/11/22/[$LATEST]0123456789abcdef");

        JsonNode groups = aws.run("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/").json();
        assertThat(groups.get("logGroups")).extracting(g -> g.get("logGroupName").asText()).containsExactly(GROUP);
    }

    @Test
    void tailPrintsTheRecentEventsOfTheGroup() throws Exception {
        AwsCliRunner.Result tail = aws.run("logs", "tail", GROUP, "--format", "short");
        assertThat(tail.exitCode()).as(tail.stderr()).isZero();
        List<String> lines = tail.stdout().lines().toList();
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).endsWith(expected.get(i));
        }
    }

    @Test
    void javaSdkClientReadsEventsAndMapsNotFound() {
        try (CloudWatchLogsClient client = CloudWatchLogsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClient(ApacheHttpClient.create())
                .build()) {
            List<String> messages = client.filterLogEventsPaginator(r -> r.logGroupName(GROUP).limit(2)).events().stream()
                    .map(FilteredLogEvent::message).toList();
            assertThat(messages).containsExactlyElementsOf(expected);
            assertThat(client.describeLogStreams(r -> r.logGroupName(GROUP)).logStreams()).hasSize(2);
            assertThatThrownBy(() -> client.getLogEvents(r -> r.logGroupName("/aws/lambda/nope").logStreamName("s")))
                    .isInstanceOfSatisfying(ResourceNotFoundException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified log group does not exist."));
        }
    }

    @Test
    void unknownGroupIsResourceNotFoundForTheCli() throws Exception {
        AwsCliRunner.Result result = aws.run("logs", "filter-log-events", "--log-group-name", "/aws/lambda/nope");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("ResourceNotFoundException").contains("The specified log group does not exist.");
    }
}
