package dev.hearth.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.controlplane.api.AliasInput;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The event invoke config operations without a socket, on real stores: Lambda's semantics for
 * qualifiers, Put against Update, destinations, constraints and listing, with Lambda's codes and
 * messages (as recorded from Lambda by LocalStack's AWS-validated snapshots where they exist).
 */
final class TestEventInvokeConfigApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_SUCH_FUNCTION = "The function doesn't exist.";

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
            assertThat(got.path("FunctionArn").asText()).isEqualTo(AsyncHarness.arn("fn") + ":$LATEST");

            ApiResponse deleted = h.call("DeleteFunctionEventInvokeConfig", Map.of("FunctionName", "fn"), Map.of(), "");
            assertThat(deleted.status()).isEqualTo(204);
            assertLambdaError(() -> call(h, "GetFunctionEventInvokeConfig", "fn", Map.of(), ""),
                    LambdaErrorType.ResourceNotFoundException,
                    "The function " + AsyncHarness.arn("fn") + ":$LATEST doesn't have an EventInvokeConfig");
            assertThat(h.configs.effective("fn", "$LATEST").retryAttempts()).isEqualTo(2);
        }
    }

    @Test
    void lastModifiedIsEpochSecondsWithMilliseconds() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00.123456789Z"), ZoneOffset.UTC);
        try (AsyncHarness h = new AsyncHarness(clock)) {
            h.createFunction("fn");
            JsonNode put = call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}");
            assertThat(put.path("LastModified").decimalValue()).isEqualByComparingTo("1772359200.123");
            assertThat(call(h, "GetFunctionEventInvokeConfig", "fn", Map.of(), "").path("LastModified").decimalValue())
                    .isEqualByComparingTo("1772359200.123");
        }
    }

    @Test
    void unqualifiedAndLatestAreOneConfigWhileVersionsAndAliasesHaveTheirOwn() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            publishAndAlias(h, "fn", "live");

            call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}");
            assertThat(call(h, "GetFunctionEventInvokeConfig", "fn", Map.of("Qualifier", "$LATEST"), "")
                    .path("MaximumRetryAttempts").asInt()).isZero();
            assertThat(call(h, "GetFunctionEventInvokeConfig", "fn:$LATEST", Map.of(), "")
                    .path("FunctionArn").asText()).isEqualTo(AsyncHarness.arn("fn") + ":$LATEST");
            assertLambdaError(() -> call(h, "GetFunctionEventInvokeConfig", "fn", Map.of("Qualifier", "1"), ""),
                    LambdaErrorType.ResourceNotFoundException,
                    "The function " + AsyncHarness.arn("fn") + ":1 doesn't have an EventInvokeConfig");

            // the qualifier as a parameter, in the name, or in a full ARN: the same config
            assertThat(call(h, "PutFunctionEventInvokeConfig", "fn", Map.of("Qualifier", "1"), "{\"MaximumRetryAttempts\":1}")
                    .path("FunctionArn").asText()).isEqualTo(AsyncHarness.arn("fn") + ":1");
            assertThat(call(h, "PutFunctionEventInvokeConfig", "fn:live", Map.of(), "{\"MaximumRetryAttempts\":2}")
                    .path("FunctionArn").asText()).isEqualTo(AsyncHarness.arn("fn") + ":live");
            assertThat(call(h, "GetFunctionEventInvokeConfig", AsyncHarness.arn("fn") + ":live", Map.of("Qualifier", "live"), "")
                    .path("MaximumRetryAttempts").asInt()).isEqualTo(2);
            assertThat(call(h, "GetFunctionEventInvokeConfig", "fn:1", Map.of(), "").path("MaximumRetryAttempts").asInt())
                    .isEqualTo(1);
            assertThat(h.configs.effective("fn", "live").retryAttempts()).isEqualTo(2);
            assertThat(h.configs.effective("fn", "1").retryAttempts()).isEqualTo(1);
            assertThat(h.configs.effective("fn", "$LATEST").retryAttempts()).isZero();

            assertLambdaError(() -> call(h, "PutFunctionEventInvokeConfig", "fn:live", Map.of("Qualifier", "1"),
                            "{\"MaximumRetryAttempts\":1}"),
                    LambdaErrorType.InvalidParameterValueException,
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
    }

    @Test
    void putAndUpdateNeedAnExistingFunctionAndQualifier() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            publishAndAlias(h, "fn", "live");
            for (String operation : List.of("PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig")) {
                assertLambdaError(() -> call(h, operation, "nope", Map.of(), "{\"MaximumRetryAttempts\":1}"),
                        LambdaErrorType.ResourceNotFoundException, NO_SUCH_FUNCTION);
                assertLambdaError(() -> call(h, operation, AsyncHarness.arn("nope"), Map.of(), "{\"MaximumRetryAttempts\":1}"),
                        LambdaErrorType.ResourceNotFoundException, NO_SUCH_FUNCTION);
                assertLambdaError(() -> call(h, operation, "fn", Map.of("Qualifier", "7"), "{\"MaximumRetryAttempts\":1}"),
                        LambdaErrorType.ResourceNotFoundException, NO_SUCH_FUNCTION);
                assertLambdaError(() -> call(h, operation, "fn:livex", Map.of(), "{\"MaximumRetryAttempts\":1}"),
                        LambdaErrorType.ResourceNotFoundException, NO_SUCH_FUNCTION);
            }
            assertThat(h.configs.list("fn")).isEmpty();
        }
    }

    @Test
    void putOrUpdateWithoutAnySettingIsRefusedFirst() {
        try (AsyncHarness h = new AsyncHarness()) {
            String message = "You must specify at least one of error handling or destination setting.";
            assertLambdaError(() -> call(h, "PutFunctionEventInvokeConfig", "nope", Map.of(), "{}"),
                    LambdaErrorType.InvalidParameterValueException, message);
            assertLambdaError(() -> call(h, "UpdateFunctionEventInvokeConfig", "nope", Map.of(), ""),
                    LambdaErrorType.InvalidParameterValueException, message);
        }
    }

    @Test
    void putReplacesTheWholeConfigWhileUpdateKeepsWhatItIsNotGiven() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            h.createFunction("ok");
            h.createFunction("bad");
            String ok = AsyncHarness.arn("ok");
            String bad = AsyncHarness.arn("bad");
            call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":2,\"MaximumEventAgeInSeconds\":60,"
                    + "\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + ok + "\"}}}");

            JsonNode replaced = call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}");
            assertThat(replaced.path("MaximumRetryAttempts").asInt()).isZero();
            assertThat(replaced.has("MaximumEventAgeInSeconds")).as("reset by Put").isFalse();
            assertThat(replaced.path("DestinationConfig").path("OnSuccess").size()).as("reset by Put").isZero();
            assertThat(h.configs.effective("fn", "$LATEST").maximumEventAge().toSeconds()).isEqualTo(21_600);

            call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":2,\"MaximumEventAgeInSeconds\":60,"
                    + "\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + ok + "\"}}}");
            JsonNode updated = call(h, "UpdateFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}");
            assertThat(updated.path("MaximumRetryAttempts").asInt()).isZero();
            assertThat(updated.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(60);
            assertThat(updated.path("DestinationConfig").path("OnSuccess").path("Destination").asText()).isEqualTo(ok);

            JsonNode redirected = call(h, "UpdateFunctionEventInvokeConfig", "fn", Map.of(),
                    "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + bad + "\"}}}");
            assertThat(redirected.path("DestinationConfig").path("OnFailure").path("Destination").asText()).isEqualTo(bad);
            assertThat(redirected.path("DestinationConfig").path("OnSuccess").size())
                    .as("DestinationConfig is one member: given, it replaces both sides").isZero();
            assertThat(redirected.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(60);
        }
    }

    @Test
    void updateOfAConfigThatDoesNotExistIsNotFound() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            publishAndAlias(h, "fn", "live");
            assertLambdaError(() -> call(h, "UpdateFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}"),
                    LambdaErrorType.ResourceNotFoundException,
                    "The function " + AsyncHarness.arn("fn") + ":$LATEST doesn't have an EventInvokeConfig");
            assertLambdaError(() -> call(h, "UpdateFunctionEventInvokeConfig", AsyncHarness.arn("fn") + ":live", Map.of(),
                            "{\"MaximumRetryAttempts\":0}"),
                    LambdaErrorType.ResourceNotFoundException,
                    "The function " + AsyncHarness.arn("fn") + ":live doesn't have an EventInvokeConfig");
            assertThat(h.configs.list("fn")).as("Update creates nothing").isEmpty();
        }
    }

    @Test
    void getAndDeleteAnswerAMissingConfigAlikeWhetherTheFunctionExistsOrNot() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}");
            ApiResponse deleted = h.call("DeleteFunctionEventInvokeConfig", Map.of("FunctionName", "fn"), Map.of("Qualifier", "$LATEST"), "");
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(deleted.body()).isEmpty();

            for (String operation : List.of("GetFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig")) {
                assertLambdaError(() -> h.call(operation, Map.of("FunctionName", "fn"), Map.of(), ""),
                        LambdaErrorType.ResourceNotFoundException,
                        "The function " + AsyncHarness.arn("fn") + ":$LATEST doesn't have an EventInvokeConfig");
                assertLambdaError(() -> h.call(operation, Map.of("FunctionName", "doesnotexist"), Map.of(), ""),
                        LambdaErrorType.ResourceNotFoundException,
                        "The function " + AsyncHarness.arn("doesnotexist") + ":$LATEST doesn't have an EventInvokeConfig");
                assertLambdaError(() -> h.call(operation, Map.of("FunctionName", "fn"), Map.of("Qualifier", "doesnotexist"), ""),
                        LambdaErrorType.ResourceNotFoundException,
                        "The function " + AsyncHarness.arn("fn") + ":doesnotexist doesn't have an EventInvokeConfig");
            }
        }
    }

    @Test
    void valuesOutsideTheirConstraintsAreValidationExceptions() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            assertValidation(h, "{\"MaximumRetryAttempts\":3}", "1 validation error detected: Value '3' at 'maximumRetryAttempts'"
                    + " failed to satisfy constraint: Member must have value less than or equal to 2");
            assertValidation(h, "{\"MaximumRetryAttempts\":-1}", "1 validation error detected: Value '-1' at 'maximumRetryAttempts'"
                    + " failed to satisfy constraint: Member must have value greater than or equal to 0");
            assertValidation(h, "{\"MaximumEventAgeInSeconds\":59}", "1 validation error detected: Value '59' at"
                    + " 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60");
            assertValidation(h, "{\"MaximumEventAgeInSeconds\":21601}", "1 validation error detected: Value '21601' at"
                    + " 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600");
            assertValidation(h, "{\"MaximumRetryAttempts\":5,\"MaximumEventAgeInSeconds\":1}", "2 validation errors detected:"
                    + " Value '5' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2;"
                    + " Value '1' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or"
                    + " equal to 60");
            String malformed = "arn:aws:_-/!lambda:us-east-1:000000000000:function:fn";
            assertValidation(h, "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + malformed + "\"}}}",
                    "1 validation error detected: Value '" + malformed + "' at 'destinationConfig.onFailure.destination' failed to"
                            + " satisfy constraint: Member must satisfy regular expression pattern: $|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))"
                            + "|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:"
                            + "(\\d{12})?:(.*)");
            assertThatThrownBy(() -> call(h, "UpdateFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":3}"))
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException));
            assertThat(h.configs.find("fn", "$LATEST")).isEmpty();

            JsonNode bounds = call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(),
                    "{\"MaximumRetryAttempts\":2,\"MaximumEventAgeInSeconds\":21600}");
            assertThat(bounds.path("MaximumRetryAttempts").asInt()).isEqualTo(2);
            assertThat(bounds.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(21_600);
            assertThat(call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0,\"MaximumEventAgeInSeconds\":60}")
                    .path("MaximumEventAgeInSeconds").asInt()).isEqualTo(60);
        }
    }

    @Test
    void destinationsAreExistingOtherFunctionsOfThisAccountAndRegion() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            h.createFunction("other");
            publishAndAlias(h, "other", "live");
            String self = AsyncHarness.arn("fn");
            String missing = AsyncHarness.arn("doesnotexist");

            assertInvalid(h, onSuccess(missing), "The destination ARN " + missing + " is invalid.");
            assertInvalid(h, onFailure(AsyncHarness.arn("other") + ":9"),
                    "The destination ARN " + AsyncHarness.arn("other") + ":9 is invalid.");
            assertInvalid(h, onSuccess("arn:aws:lambda:us-east-1:000000000000:layer:shared"),
                    "The destination ARN arn:aws:lambda:us-east-1:000000000000:layer:shared is invalid.");
            assertInvalid(h, onSuccess("arn:aws:lambda:eu-west-1:000000000000:function:other"),
                    "The destination ARN arn:aws:lambda:eu-west-1:000000000000:function:other is invalid.");
            assertInvalid(h, onSuccess("arn:aws:lambda:us-east-1:111111111111:function:other"),
                    "The destination ARN arn:aws:lambda:us-east-1:111111111111:function:other is invalid.");
            assertInvalid(h, onSuccess(self), "You can't specify the function as a destination for itself.");
            assertInvalid(h, onFailure(self + ":$LATEST"), "You can't specify the function as a destination for itself.");

            String iam = "arn:aws:iam:us-east-1:000000000000:function:fn";
            assertInvalid(h, onSuccess(iam), "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
                    + iam + "), onFailure=null) is invalid.");
            assertInvalid(h, "{\"DestinationConfig\":{\"OnSuccess\":{},\"OnFailure\":{\"Destination\":\"kafka://topic\"}}}",
                    "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=null),"
                            + " onFailure=OnFailure(destination=kafka://topic)) is invalid.");
            assertThat(h.configs.find("fn", "$LATEST")).isEmpty();

            JsonNode qualified = call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(),
                    onSuccess(AsyncHarness.arn("other") + ":live").replace("}}}", "},\"OnFailure\":{\"Destination\":\""
                            + AsyncHarness.arn("other") + ":1\"}}}"));
            assertThat(qualified.path("DestinationConfig").path("OnSuccess").path("Destination").asText())
                    .isEqualTo(AsyncHarness.arn("other") + ":live");
            assertThat(qualified.path("DestinationConfig").path("OnFailure").path("Destination").asText())
                    .isEqualTo(AsyncHarness.arn("other") + ":1");

            JsonNode empty = call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(),
                    "{\"DestinationConfig\":{\"OnSuccess\":{},\"OnFailure\":{\"Destination\":\"\"}}}");
            assertThat(empty.path("DestinationConfig").path("OnSuccess").size()).isZero();
            assertThat(empty.path("DestinationConfig").path("OnFailure").size()).isZero();
            assertThat(h.configs.effective("fn", "$LATEST").onFailure()).isEmpty();
        }
    }

    @Test
    void queuesTopicsBusesAndBucketsAreRefusedUntilHearthDeliversToThem() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            Map<String, String> kinds = Map.of(
                    "arn:aws:sqs:us-east-1:000000000000:dlq", "an Amazon SQS queue",
                    "arn:aws:sns:us-east-1:000000000000:topic", "an Amazon SNS topic",
                    "arn:aws:events:us-east-1:000000000000:event-bus/default", "an Amazon EventBridge event bus",
                    "arn:aws:s3:::bucket", "an Amazon S3 bucket");
            kinds.forEach((arn, kind) -> assertThatThrownBy(() -> call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), onFailure(arn)))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                        assertThat(e.getMessage()).startsWith("The destination " + arn + " is " + kind + ": ")
                                .contains("Lambda functions only").contains("not supported yet");
                    }));
            assertThat(h.configs.find("fn", "$LATEST")).isEmpty();
        }
    }

    @Test
    void listingIsInQualifierOrderAndPagesWithMarkers() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            for (int i = 0; i < 10; i++) {
                h.functions.updateFunctionCode(FunctionRef.of(AsyncHarness.ACCOUNT, "fn"),
                        new UpdateFunctionCodeInput(AsyncHarness.zip("v" + i), null, null, null, null, null, null, null, null));
                h.functions.publishVersion(FunctionRef.of(AsyncHarness.ACCOUNT, "fn"), new PublishVersionInput(null, null, null));
            }
            h.functions.createAlias(FunctionRef.of(AsyncHarness.ACCOUNT, "fn"), new AliasInput("beta", "1", null, null, null));
            h.functions.createAlias(FunctionRef.of(AsyncHarness.ACCOUNT, "fn"), new AliasInput("alpha", "2", null, null, null));
            List<String> qualifiers = List.of("alpha", "10", "$LATEST", "2", "beta", "1");
            for (String qualifier : qualifiers) {
                call(h, "PutFunctionEventInvokeConfig", "fn", Map.of("Qualifier", qualifier), "{\"MaximumRetryAttempts\":1}");
            }
            List<String> expected = List.of("$LATEST", "1", "2", "10", "alpha", "beta").stream()
                    .map(q -> AsyncHarness.arn("fn") + ":" + q).toList();

            assertThat(call(h, "ListFunctionEventInvokeConfigs", "fn", Map.of(), "").path("FunctionEventInvokeConfigs"))
                    .extracting(n -> n.path("FunctionArn").asText()).containsExactlyElementsOf(expected);
            JsonNode all = call(h, "ListFunctionEventInvokeConfigs", "fn", Map.of(), "");
            assertThat(all.has("NextMarker")).isFalse();
            assertThat(all.path("FunctionEventInvokeConfigs").get(0).path("MaximumRetryAttempts").asInt()).isEqualTo(1);

            List<String> paged = new ArrayList<>();
            Optional<String> marker = Optional.empty();
            int pages = 0;
            do {
                Map<String, String> query = new HashMap<>(Map.of("MaxItems", "4"));
                marker.ifPresent(m -> query.put("Marker", m));
                JsonNode page = call(h, "ListFunctionEventInvokeConfigs", "fn", query, "");
                assertThat(page.path("FunctionEventInvokeConfigs").size()).isLessThanOrEqualTo(4);
                page.path("FunctionEventInvokeConfigs").forEach(n -> paged.add(n.path("FunctionArn").asText()));
                marker = page.hasNonNull("NextMarker") ? Optional.of(page.path("NextMarker").asText()) : Optional.empty();
                pages++;
            } while (marker.isPresent());
            assertThat(paged).containsExactlyElementsOf(expected);
            assertThat(pages).isEqualTo(2);
        }
    }

    @Test
    void listingNeedsAnExistingFunctionAndMaxItemsFromOneToFifty() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            assertLambdaError(() -> call(h, "ListFunctionEventInvokeConfigs", "doesnotexist", Map.of(), ""),
                    LambdaErrorType.ResourceNotFoundException, NO_SUCH_FUNCTION);
            assertLambdaError(() -> call(h, "ListFunctionEventInvokeConfigs", "fn", Map.of("MaxItems", "0"), ""),
                    LambdaErrorType.ValidationException, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy"
                            + " constraint: Member must have value greater than or equal to 1");
            assertLambdaError(() -> call(h, "ListFunctionEventInvokeConfigs", "fn", Map.of("MaxItems", "51"), ""),
                    LambdaErrorType.ValidationException, "1 validation error detected: Value '51' at 'maxItems' failed to satisfy"
                            + " constraint: Member must have value less than or equal to 50");
        }
    }

    @Test
    void configsSurviveReopeningTheirFile() {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            var stored = new EventInvokeConfig("fn", "live", Optional.of(0), Optional.of(300), Optional.of(AsyncHarness.arn("fn")),
                    Optional.empty(), Instant.parse("2026-11-22T08:00:00.123456Z"));
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

    @Test
    void deletingTheFunctionDeletesItsConfigs() throws Exception {
        try (AsyncHarness h = new AsyncHarness()) {
            h.createFunction("fn");
            call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), "{\"MaximumRetryAttempts\":0}");
            h.functions.deleteFunction(FunctionRef.of(AsyncHarness.ACCOUNT, "fn"));
            assertThat(h.configs.list("fn")).isEmpty();

            h.createFunction("fn");
            assertLambdaError(() -> call(h, "GetFunctionEventInvokeConfig", "fn", Map.of(), ""),
                    LambdaErrorType.ResourceNotFoundException,
                    "The function " + AsyncHarness.arn("fn") + ":$LATEST doesn't have an EventInvokeConfig");
        }
    }

    private static void publishAndAlias(AsyncHarness h, String function, String alias) {
        FunctionRef ref = FunctionRef.of(AsyncHarness.ACCOUNT, function);
        h.functions.publishVersion(ref, new PublishVersionInput(null, null, null));
        h.functions.createAlias(ref, new AliasInput(alias, "1", null, null, null));
    }

    private static String onSuccess(String arn) {
        return "{\"DestinationConfig\":{\"OnSuccess\":{\"Destination\":\"" + arn + "\"}}}";
    }

    private static String onFailure(String arn) {
        return "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"" + arn + "\"}}}";
    }

    private static void assertInvalid(AsyncHarness h, String body, String message) {
        assertLambdaError(() -> call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), body),
                LambdaErrorType.InvalidParameterValueException, message);
    }

    private static void assertValidation(AsyncHarness h, String body, String message) {
        assertLambdaError(() -> call(h, "PutFunctionEventInvokeConfig", "fn", Map.of(), body),
                LambdaErrorType.ValidationException, message);
    }

    private static void assertLambdaError(ThrowingCallable call, LambdaErrorType type,
            String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static JsonNode call(AsyncHarness h, String operation, String function, Map<String, String> query, String body)
            throws Exception {
        ApiResponse response = h.call(operation, Map.of("FunctionName", function), query, body);
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
    }
}
