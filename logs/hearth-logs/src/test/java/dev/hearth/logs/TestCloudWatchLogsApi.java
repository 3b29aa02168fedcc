package dev.hearth.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.ErrorResponses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API without a socket: request parsing, response shapes, errors. */
final class TestCloudWatchLogsApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "/aws/lambda/f";

    @TempDir
    Path dir;

    private SqliteLogStore store;
    private CloudWatchLogsApi api;

    @BeforeEach
    void open() {
        store = SqliteLogStore.open(dir.resolve("logs.db"), LogStoreSettings.DEFAULTS, InstantSource.fixed(java.time.Instant.ofEpochMilli(5_000)),
                Optional.empty());
        api = new CloudWatchLogsApi(store, new AccountContext("eu-west-1", "123456789012"));
        store.append(GROUP, "s1", java.time.Instant.ofEpochMilli(1_000), "START RequestId: r1");
        store.append(GROUP, "s1", java.time.Instant.ofEpochMilli(2_000), "ERROR boom");
        store.append(GROUP, "s2", java.time.Instant.ofEpochMilli(1_500), "hello");
        store.flush();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private JsonNode call(String operation, String body) throws Exception {
        ApiResponse response = api.handle(request("Logs_20140328." + operation, body));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/x-amz-json-1.1");
        return JSON.readTree(response.body());
    }

    private static ApiRequest request(String target, String body) {
        return new ApiRequest("POST", "/", null, Map.of(), Map.of(), Map.of("x-amz-target", List.of(target)),
                body.getBytes(StandardCharsets.UTF_8), "req-1", AccountContext.DEFAULT);
    }

    @Test
    void filterLogEventsAnswersCloudWatchsShape() throws Exception {
        JsonNode page = call("FilterLogEvents", "{\"logGroupName\":\"/aws/lambda/f\",\"filterPattern\":\"ERROR\",\"endTime\":2000}");
        assertThat(page.get("events")).hasSize(1);
        JsonNode event = page.get("events").get(0);
        assertThat(event.get("logStreamName").asText()).isEqualTo("s1");
        assertThat(event.get("timestamp").asLong()).isEqualTo(2_000);
        assertThat(event.get("message").asText()).isEqualTo("ERROR boom");
        assertThat(event.get("ingestionTime").asLong()).isEqualTo(5_000);
        assertThat(event.get("eventId").asText()).isNotEmpty();
        assertThat(page.get("searchedLogStreams")).isEmpty();
        assertThat(page.has("nextToken")).isFalse();

        JsonNode first = call("FilterLogEvents", "{\"logGroupIdentifier\":\"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:*\",\"limit\":2}");
        assertThat(first.get("events")).extracting(e -> e.get("message").asText()).containsExactly("START RequestId: r1", "hello");
        JsonNode second = call("FilterLogEvents", "{\"logGroupName\":\"/aws/lambda/f\",\"limit\":2,\"nextToken\":\""
                + first.get("nextToken").asText() + "\"}");
        assertThat(second.get("events")).extracting(e -> e.get("message").asText()).containsExactly("ERROR boom");
    }

    @Test
    void getLogEventsAndDescribeOperationsAnswerCloudWatchsShapes() throws Exception {
        JsonNode events = call("GetLogEvents", "{\"logGroupName\":\"/aws/lambda/f\",\"logStreamName\":\"s1\",\"startFromHead\":true}");
        assertThat(events.get("events")).extracting(e -> e.get("message").asText()).containsExactly("START RequestId: r1", "ERROR boom");
        assertThat(events.get("events").get(0).has("eventId")).isFalse();
        assertThat(events.get("nextForwardToken").asText()).startsWith("f/");
        assertThat(events.get("nextBackwardToken").asText()).startsWith("b/");

        JsonNode streams = call("DescribeLogStreams", "{\"logGroupName\":\"/aws/lambda/f\",\"orderBy\":\"LastEventTime\",\"descending\":true}");
        JsonNode s1 = streams.get("logStreams").get(0);
        assertThat(s1.get("logStreamName").asText()).isEqualTo("s1");
        assertThat(s1.get("creationTime").asLong()).isEqualTo(5_000);
        assertThat(s1.get("firstEventTimestamp").asLong()).isEqualTo(1_000);
        assertThat(s1.get("lastEventTimestamp").asLong()).isEqualTo(2_000);
        assertThat(s1.get("lastIngestionTime").asLong()).isEqualTo(5_000);
        assertThat(s1.get("arn").asText()).isEqualTo("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:log-stream:s1");
        assertThat(streams.get("logStreams").get(1).get("logStreamName").asText()).isEqualTo("s2");

        JsonNode groups = call("DescribeLogGroups", "{\"logGroupNamePrefix\":\"/aws/lambda/\"}");
        JsonNode group = groups.get("logGroups").get(0);
        assertThat(group.get("logGroupName").asText()).isEqualTo(GROUP);
        assertThat(group.get("creationTime").asLong()).isEqualTo(5_000);
        assertThat(group.get("arn").asText()).isEqualTo("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:*");
        assertThat(group.get("storedBytes").asLong()).isEqualTo("START RequestId: r1ERROR boomhello".length());
        assertThat(call("DescribeLogGroups", "{\"logGroupNamePrefix\":\"/aws/other\"}").get("logGroups")).isEmpty();
    }

    @Test
    void errorsCarryCloudWatchsTypeInTheBody() throws Exception {
        assertError("Logs_20140328.FilterLogEvents", "{\"logGroupName\":\"/aws/lambda/nope\"}", 404, "ResourceNotFoundException",
                "The specified log group does not exist.");
        assertError("Logs_20140328.DescribeLogStreams", "{\"logGroupName\":\"/aws/lambda/f\",\"orderBy\":\"LastEventTime\","
                + "\"logStreamNamePrefix\":\"s\"}", 400, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
        assertError("Logs_20140328.FilterLogEvents", "{\"logGroupName\":\"/aws/lambda/f\",\"filterPattern\":\"{ $.a = 1 }\"}", 400,
                "InvalidParameterException", null);
        assertError("Logs_20140328.GetLogEvents", "{\"logGroupName\":\"/aws/lambda/f\",\"logStreamName\":\"nope\"}", 404,
                "ResourceNotFoundException", "The specified log stream does not exist.");
        assertError("Logs_20140328.FilterLogEvents", "{not json", 400, "SerializationException", null);
        assertError("Logs_20140328.PutLogEvents", "{}", 404, "UnknownOperationException", "Unknown operation Logs_20140328.PutLogEvents");
    }

    private void assertError(String target, String body, int status, String type, String message) throws Exception {
        assertThatThrownBy(() -> api.handle(request(target, body))).isInstanceOfSatisfying(LambdaException.class, e -> {
            ApiResponse response = ErrorResponses.of(e, ErrorResponses.Protocol.AWS_JSON, "CloudWatchLogs", "req-1");
            assertThat(response.status()).isEqualTo(status);
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (java.io.IOException io) {
                throw new AssertionError(io);
            }
            assertThat(json.get("__type").asText()).isEqualTo(type);
            if (message != null) {
                assertThat(json.get("message").asText()).isEqualTo(message);
            }
        });
    }
}
