package dev.hearth.async;

import static dev.hearth.async.ScriptedTarget.Step.FAIL;
import static dev.hearth.async.ScriptedTarget.Step.SUCCEED;
import static dev.hearth.async.ScriptedTarget.Step.THROTTLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.queue.spi.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class TestAsyncInvocations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void failingTwiceThenSucceedingRunsThreeTimesAndSendsTheSuccessRecord() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("flaky");
            h.createFunction("on-success");
            h.target.script("flaky", FAIL, FAIL, SUCCEED);
            putConfig(h, "flaky", "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + AsyncHarness.arn("on-success") + "\"}}}");

            String id = h.invokeAsync("flaky", Optional.empty(), "{\"order\":42}");

            await().atMost(WAIT).until(() -> h.target.calls("on-success").size() == 1);
            List<ScriptedTarget.Call> calls = h.target.calls("flaky");
            assertThat(calls).extracting(ScriptedTarget.Call::step).containsExactly(FAIL, FAIL, SUCCEED);
            assertThat(calls).extracting(ScriptedTarget.Call::requestId).containsOnly(id);
            JsonNode record = JSON.readTree(h.target.calls("on-success").getFirst().payload());
            assertThat(record.path("version").asText()).isEqualTo("1.0");
            assertThat(record.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(id);
            assertThat(record.path("requestContext").path("functionArn").asText()).isEqualTo(AsyncHarness.arn("flaky") + ":$LATEST");
            assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("Success");
            assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
            assertThat(record.path("requestPayload").path("order").asInt()).isEqualTo(42);
            assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
            assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
            assertThat(record.path("responseContext").has("functionError")).isFalse();
            assertThat(record.path("responsePayload").path("handled").path("order").asInt()).isEqualTo(42);
            await().atMost(WAIT).until(() -> h.service.status().queue().depth() == 0);
            AsyncStatus snapshot = h.service.status();
            assertThat(snapshot.functionErrorRetries()).isEqualTo(2);
            assertThat(snapshot.succeeded()).isEqualTo(2);
            assertThat(snapshot.sentToDestinations()).isEqualTo(1);
            assertThat(snapshot.deadLettered()).isZero();
        }
    }

    @Test
    void zeroRetryAttemptsDeadLettersAfterOneAttemptAndRedriveRunsItAgain() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("once");
            h.target.script("once", FAIL);
            putConfig(h, "once", "{\"MaximumRetryAttempts\":0}");

            String id = h.invokeAsync("once", Optional.empty(), "{\"n\":1}");

            await().atMost(WAIT).until(() -> h.service.status().queue().deadLetters() == 1);
            assertThat(h.target.calls("once")).hasSize(1);
            JsonNode list = json(h.call("ListDeadLetters", Map.of(), Map.of("FunctionName", "once"), ""));
            assertThat(list.path("DeadLetters")).hasSize(1);
            assertThat(list.path("DeadLetters").get(0).path("EventId").asText()).isEqualTo(id);
            assertThat(list.path("DeadLetters").get(0).path("Reason").asText()).isEqualTo("RetriesExhausted");
            assertThat(list.path("DeadLetters").get(0).path("Attempts").asInt()).isZero();
            assertThat(json(h.call("ListDeadLetters", Map.of(), Map.of("FunctionName", "other"), "")).path("DeadLetters")).isEmpty();
            JsonNode one = json(h.call("GetDeadLetter", Map.of("EventId", id), Map.of(), ""));
            assertThat(one.path("Payload").asText()).isEqualTo("{\"n\":1}");
            assertThat(one.path("FunctionName").asText()).isEqualTo("once");

            assertThat(json(h.call("RedriveDeadLetter", Map.of("EventId", id), Map.of(), "")).path("Redriven").asBoolean()).isTrue();

            await().atMost(WAIT).until(() -> h.target.calls("once", SUCCEED).size() == 1);
            await().atMost(WAIT).until(() -> h.service.status().queue().depth() == 0);
            assertThat(h.service.status().queue().deadLetters()).isZero();
            assertThatThrownBy(() -> h.call("GetDeadLetter", Map.of("EventId", id), Map.of(), ""))
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException));
        }
    }

    @Test
    void deadLettersCanBeDeleted() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("doomed");
            h.target.always("doomed", FAIL);
            putConfig(h, "doomed", "{\"MaximumRetryAttempts\":0}");
            String id = h.invokeAsync("doomed", Optional.empty(), "{}");
            await().atMost(WAIT).until(() -> h.service.status().queue().deadLetters() == 1);

            assertThat(h.call("DeleteDeadLetter", Map.of("EventId", id), Map.of(), "").status()).isEqualTo(204);

            assertThat(h.service.status().queue().deadLetters()).isZero();
            assertThatThrownBy(() -> h.call("DeleteDeadLetter", Map.of("EventId", id), Map.of(), ""))
                    .isInstanceOf(LambdaException.class).hasMessageContaining(id);
        }
    }

    @Test
    void exhaustedRetriesSendLambdasFailureRecordToOnFailure() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("broken");
            h.createFunction("failures");
            h.target.always("broken", FAIL);
            putConfig(h, "broken", "{\"MaximumRetryAttempts\":1,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\""
                    + AsyncHarness.arn("failures") + "\"}}}");

            String id = h.invokeAsync("broken", Optional.empty(), "{\"k\":\"v\"}");

            await().atMost(WAIT).until(() -> h.target.calls("failures").size() == 1);
            assertThat(h.target.calls("broken")).hasSize(2);
            JsonNode record = JSON.readTree(h.target.calls("failures").getFirst().payload());
            assertThat(record.path("version").asText()).isEqualTo("1.0");
            assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(id);
            assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
            assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
            assertThat(record.path("requestPayload").path("k").asText()).isEqualTo("v");
            assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
            assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
            assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
            assertThat(record.path("responsePayload").path("errorType").asText()).isEqualTo("ValueError");
            assertThat(record.path("responsePayload").path("errorMessage").asText()).isEqualTo("boom " + id);
            await().atMost(WAIT).until(() -> h.service.status().queue().depth() == 0);
            assertThat(h.service.status().queue().deadLetters()).as("sent to OnFailure, not dead-lettered").isZero();
        }
    }

    @Test
    void eventsOlderThanTheMaximumAgeAreGivenUpOnWithoutRunning() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T08:00:00Z"));
        try (AsyncHarness h = new AsyncHarness(clock)) {
            h.createFunction("slowpoke");
            h.createFunction("expired");
            h.target.always("slowpoke", THROTTLE);
            putConfig(h, "slowpoke", "{\"MaximumEventAgeInSeconds\":60,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\""
                    + AsyncHarness.arn("expired") + "\"}}}");
            String id = h.invokeAsync("slowpoke", Optional.empty(), "{\"late\":true}");
            await().atMost(WAIT).until(() -> h.target.calls("slowpoke").size() == 1);

            clock.advance(Duration.ofSeconds(61));

            await().atMost(WAIT).until(() -> h.target.calls("expired").size() == 1);
            assertThat(h.target.calls("slowpoke")).as("not run again once too old").hasSize(1);
            JsonNode record = JSON.readTree(h.target.calls("expired").getFirst().payload());
            assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(id);
            assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("EventAgeExceeded");
            assertThat(record.path("requestContext").path("functionArn").asText()).isEqualTo(AsyncHarness.arn("slowpoke") + ":$LATEST");
            assertThat(record.path("requestPayload").path("late").asBoolean()).isTrue();
            assertThat(record.has("responseContext")).as("the function never ran").isFalse();
        }
    }

    @Test
    void eventsOlderThanTheMaximumAgeWithoutDestinationBecomeDeadLetters() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T08:00:00Z"));
        try (AsyncHarness h = new AsyncHarness(clock)) {
            h.createFunction("stale");
            h.target.always("stale", THROTTLE);
            String id = h.invokeAsync("stale", Optional.empty(), "{}");
            await().atMost(WAIT).until(() -> h.target.calls("stale").size() == 1);

            clock.advance(Duration.ofHours(6));

            await().atMost(WAIT).until(() -> h.queue.findDeadLetter(id).isPresent());
            assertThat(h.queue.findDeadLetter(id).orElseThrow().reason()).isEqualTo("EventAgeExceeded");
            assertThat(h.queue.findDeadLetter(id).orElseThrow().event().systemRetries()).isEqualTo(1);
            assertThat(h.target.calls("stale")).hasSize(1);
        }
    }

    @Test
    void throttledEventsAreRetriedAndDeliveredOnceCapacityFrees() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("busy");
            h.target.throttling.set(true);
            Set<String> ids = Set.of(h.invokeAsync("busy", Optional.empty(), "{\"i\":1}"),
                    h.invokeAsync("busy", Optional.empty(), "{\"i\":2}"),
                    h.invokeAsync("busy", Optional.empty(), "{\"i\":3}"));
            await().atMost(WAIT).until(() -> h.target.calls("busy", THROTTLE).size() >= 9);
            assertThat(h.target.calls("busy", SUCCEED)).isEmpty();

            h.target.throttling.set(false);

            await().atMost(WAIT).until(() -> h.target.calls("busy", SUCCEED).size() == 3);
            await().atMost(WAIT).until(() -> h.service.status().queue().depth() == 0);
            assertThat(h.target.calls("busy", SUCCEED).stream().map(ScriptedTarget.Call::requestId).collect(Collectors.toSet()))
                    .isEqualTo(ids);
            assertThat(h.target.calls("busy", SUCCEED)).hasSize(3);
            assertThat(h.service.status().systemRetries()).isGreaterThanOrEqualTo(9);
            assertThat(h.service.status().deadLettered()).isZero();
        }
    }

    @Test
    void anEventOfADeletedFunctionIsDeadLetteredAndItsConfigsAreDeleted() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("ephemeral");
            putConfig(h, "ephemeral", "{\"MaximumRetryAttempts\":1}");
            h.target.throttling.set(true);
            String id = h.invokeAsync("ephemeral", Optional.empty(), "{}");
            await().atMost(WAIT).until(() -> !h.target.calls("ephemeral").isEmpty());

            h.functions.deleteFunction(FunctionRef.of(AccountContext.DEFAULT, "ephemeral"));
            h.target.throttling.set(false);

            await().atMost(WAIT).until(() -> h.queue.findDeadLetter(id).isPresent());
            assertThat(h.queue.findDeadLetter(id).orElseThrow().reason()).startsWith("FunctionNotFound");
            assertThat(h.configs.list("ephemeral")).isEmpty();
            assertThat(h.target.calls("ephemeral", SUCCEED)).isEmpty();
        }
    }

    @Test
    void theEventRunsTheVersionItWasInvokedWith() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("versioned");
            h.functions.updateFunctionCode(FunctionRef.of(AccountContext.DEFAULT, "versioned"), new UpdateFunctionCodeInput(
                    AsyncHarness.zip("v2"), null, null, null, null, false, null, null, null));
            h.functions.publishVersion(FunctionRef.of(AccountContext.DEFAULT, "versioned"), new PublishVersionInput(null, null, null));

            String id = h.invokeAsync("versioned", Optional.of("1"), "{}");
            String latest = h.invokeAsync("versioned", Optional.empty(), "{}");

            await().atMost(WAIT).until(() -> h.target.calls("versioned").size() == 2);
            assertThat(h.target.calls("versioned")).filteredOn(c -> c.requestId().equals(id))
                    .extracting(ScriptedTarget.Call::version).containsExactly("1");
            assertThat(h.target.calls("versioned")).filteredOn(c -> c.requestId().equals(latest))
                    .extracting(ScriptedTarget.Call::version).containsExactly("$LATEST");
        }
    }

    private static void putConfig(AsyncHarness h, String function, String body) throws Exception {
        assertThat(h.call("PutFunctionEventInvokeConfig", Map.of("FunctionName", function), Map.of(), body).status())
                .isEqualTo(200);
    }

    private static JsonNode json(dev.hearth.http.ApiResponse response) throws Exception {
        return JSON.readTree(response.body());
    }
}
