package dev.hearth.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TestEventInvokeConfigApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void putGetUpdateListDeleteWithLambdasShapes() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            h.createFunction("dest");
            String dest = AsyncHarness.arn("dest");

            JsonNode put = call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(),
                    "{\"MaximumRetryAttempts\":1,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + dest + "\"}}}");
            assertThat(put.path("FunctionArn").asText()).isEqualTo(AsyncHarness.arn("fn") + ":$LATEST");
            assertThat(put.path("MaximumRetryAttempts").asInt()).isEqualTo(1);
            assertThat(put.has("MaximumEventAgeInSeconds")).isFalse();
            assertThat(put.path("DestinationConfig").path("OnFailure").path("Destination").asText()).isEqualTo(dest);
            assertThat(put.path("DestinationConfig").path("OnSuccess").isObject()).isTrue();
            assertThat(put.path("DestinationConfig").path("OnSuccess").size()).isZero();
            assertThat(put.path("LastModified").isNumber()).isTrue();
            assertThat(put.path("LastModified").asDouble()).isGreaterThan(1.7e9);

            JsonNode updated = call(h, "UpdateFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumEventAgeInSeconds\":120}");
            assertThat(updated.path("MaximumRetryAttempts").asInt()).as("kept").isEqualTo(1);
            assertThat(updated.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(120);
            assertThat(updated.path("DestinationConfig").path("OnFailure").path("Destination").asText()).isEqualTo(dest);

            JsonNode got = call(h, "GetFunctionEventInvokeConfig", "fn", Map.of("Qualifier", "$LATEST"), "");
            assertThat(got.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(120);

            call(h, "PutFunctionEventInvokeConfig", "fn", Map.of("Qualifier", "1"), "{\"MaximumRetryAttempts\":0}");
            JsonNode list = call(h, "ListFunctionEventInvokeConfigs", "fn", Map.of(), "");
            assertThat(list.path("FunctionEventInvokeConfigs")).extracting(n -> n.path("FunctionArn").asText())
                    .containsExactly(AsyncHarness.arn("fn") + ":$LATEST", AsyncHarness.arn("fn") + ":1");
            JsonNode page = call(h, "ListFunctionEventInvokeConfigs", "fn", Map.of("MaxItems", "1"), "");
            assertThat(page.path("FunctionEventInvokeConfigs")).hasSize(1);
            assertThat(page.path("NextMarker").asText()).isEqualTo("$LATEST");

            ApiResponse deleted = h.call("DeleteFunctionEventInvokeConfig", Map.of("FunctionName", "fn"), Map.of(), "");
            assertThat(deleted.status()).isEqualTo(204);
            assertThatThrownBy(() -> call(h, "GetFunctionEventInvokeConfig", "fn", Map.of(), ""))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException);
                        assertThat(e.getMessage()).isEqualTo("The function " + AsyncHarness.arn("fn")
                                + ":$LATEST doesn't have an EventInvokeConfig");
                    });
            assertThat(h.configs.effective("fn", "$LATEST").retryAttempts()).isEqualTo(2);
        }
    }

    @Test
    void valuesOutOfLambdasRangesAreRefused() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            assertInvalid(h, "{\"MaximumRetryAttempts\":3}", "'maximumRetryAttempts'", "less than or equal to 2");
            assertInvalid(h, "{\"MaximumRetryAttempts\":-1}", "'maximumRetryAttempts'", "greater than or equal to 0");
            assertInvalid(h, "{\"MaximumEventAgeInSeconds\":59}", "'maximumEventAgeInSeconds'", "greater than or equal to 60");
            assertInvalid(h, "{\"MaximumEventAgeInSeconds\":21601}", "'maximumEventAgeInSeconds'", "less than or equal to 21600");
            assertThat(h.configs.find("fn", "$LATEST")).isEmpty();
        }
    }

    @Test
    void onlyExistingFunctionsAreDestinations() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            assertInvalid(h, "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"}}}",
                    "arn:aws:sqs:us-east-1:000000000000:dlq", "Hearth supports Lambda function destinations only");
            assertInvalid(h, "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"arn:aws:sns:us-east-1:000000000000:topic\"}}}",
                    "arn:aws:sns", "function destinations only");
            assertInvalid(h, "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + AsyncHarness.arn("missing") + "\"}}}",
                    "The destination function " + AsyncHarness.arn("missing") + " does not exist", "");
        }
    }

    @Test
    void configsOfUnknownFunctionsOrQualifiersAreNotFound() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            assertThatThrownBy(() -> call(h, "PutFunctionEventInvokeConfig", "nope", Map.of(), "{}"))
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException));
            assertThatThrownBy(() -> call(h, "PutFunctionEventInvokeConfig", "fn", Map.of("Qualifier", "7"), "{}"))
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException));
            assertThatThrownBy(() -> call(h, "UpdateFunctionEventInvokeConfig", "fn", Map.of(), "{}"))
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException));
        }
    }

    @Test
    void configsSurviveReopeningTheirFile() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            var stored = new EventInvokeConfig("fn", "live", Optional.of(0), Optional.of(300), Optional.of(AsyncHarness.arn("fn")),
                    Optional.empty(), java.time.Instant.parse("2026-11-22T08:00:00.123456Z"));
            h.configs.put(stored);

            try (EventInvokeConfigStore reopened = EventInvokeConfigStore.open(h.dir.resolve("event-invoke-configs.db"))) {
                assertThat(reopened.find("fn", "live")).contains(stored);
                assertThat(reopened.deleteFunction("fn")).isEqualTo(1);
            }
            try (EventInvokeConfigStore again = EventInvokeConfigStore.open(h.dir.resolve("event-invoke-configs.db"))) {
                assertThat(again.list("fn")).isEmpty();
            }
        }
    }

    private static void assertInvalid(AsyncHarness h, String body, String part1, String part2) {
        assertThatThrownBy(() -> call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), body))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                    assertThat(e.getMessage()).contains(part1).contains(part2);
                });
    }

    private static JsonNode call(AsyncHarness h, String operation, String function, Map<String, String> query, String body)
            throws Exception {
        ApiResponse response = h.call(operation, Map.of("FunctionName", function), query, body);
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
    }
}
