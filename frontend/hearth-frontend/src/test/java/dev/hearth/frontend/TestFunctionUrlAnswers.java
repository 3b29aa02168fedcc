package dev.hearth.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.controlplane.FunctionUrl;
import dev.hearth.controlplane.api.Cors;
import dev.hearth.core.AccountContext;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.worker.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A function URL's request becomes Lambda's payload format 2.0 event, a function's result becomes the
 * answer Lambda gives, and CORS headers follow the URL's configuration; without a socket.
 */
final class TestFunctionUrlAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "abcdefghijklmnopqrstuvwxyz012345";
    private static final FunctionUrl URL = new FunctionUrl(new AccountContext("us-east-1", "111111111111"), "f", Optional.empty(),
            ID, FunctionUrl.AUTH_NONE, Optional.empty(), FunctionUrl.BUFFERED);

    @Test
    void aResponseObjectIsReadForStatusHeadersCookiesAndABase64Body() {
        ApiResponse answer = FunctionUrlAnswer.of(result("{\"statusCode\":418,\"headers\":{\"Content-Type\":\"image/png\",\"x-a\":\"1\"},"
                + "\"multiValueHeaders\":{\"x-m\":[\"1\",\"2\"]},\"cookies\":[\"a=1\",\"b=2\"],\"body\":\"iVBORw==\",\"isBase64Encoded\":true}"));
        assertThat(answer.status()).isEqualTo(418);
        assertThat(answer.contentType()).isEqualTo("image/png");
        assertThat(answer.headers()).containsEntry("x-a", "1").containsEntry("x-m", "1,2").doesNotContainKey("Content-Type");
        assertThat(answer.multiValueHeaders()).containsEntry("Set-Cookie", List.of("a=1", "b=2"));
        assertThat(answer.body()).containsExactly(0x89, 'P', 'N', 'G');
    }

    @Test
    void anyOtherJsonIsA200JsonBodyAndAStringItsText() {
        ApiResponse object = FunctionUrlAnswer.of(result("{\"hello\":\"world\"}"));
        assertThat(object.status()).isEqualTo(200);
        assertThat(object.contentType()).isEqualTo("application/json");
        assertThat(new String(object.body(), StandardCharsets.UTF_8)).isEqualTo("{\"hello\":\"world\"}");
        ApiResponse text = FunctionUrlAnswer.of(result("\"Hello, world!\""));
        assertThat(new String(text.body(), StandardCharsets.UTF_8)).isEqualTo("Hello, world!");
        ApiResponse number = FunctionUrlAnswer.of(result("42"));
        assertThat(new String(number.body(), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    @Test
    void functionErrorsAndUnreadableResponsesAre502() {
        InvocationResult failed = new InvocationResult("{\"errorMessage\":\"boom\"}".getBytes(StandardCharsets.UTF_8),
                Optional.of("Unhandled"), Optional.empty(), "$LATEST", Duration.ZERO, Optional.empty(), 0);
        for (ApiResponse answer : List.of(FunctionUrlAnswer.of(failed), FunctionUrlAnswer.of(result("{\"statusCode\":\"teapot\"}")),
                FunctionUrlAnswer.of(result("{\"statusCode\":200,\"body\":\"***\",\"isBase64Encoded\":true}")))) {
            assertThat(answer.status()).isEqualTo(502);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"Message\":\"Internal Server Error\"}");
        }
    }

    @Test
    void theEventCarriesLambdasMembersAndABinaryBodyInBase64() throws Exception {
        ApiRequest request = new ApiRequest("PUT", "/" + ID + "/p/q", "a=1&a=2", Map.of(), Map.of("a", List.of("1", "2")),
                Map.of("content-type", List.of("application/octet-stream"), "cookie", List.of("x=1; y=2"),
                        "x-many", List.of("1", "2"), "user-agent", List.of("ua")),
                new byte[] {0, 1, 2}, "req-1", new AccountContext("us-east-1", "000000000000"), "10.0.0.1");
        JsonNode event = JSON.readTree(FunctionUrlEvent.of(request, URL, "/p/q", ID + ".lambda-url.us-east-1.localhost",
                Optional.of(new FunctionUrlEvent.IamCaller("AKIDEXAMPLE", "222222222222")), Instant.parse("2026-03-12T19:03:58.390Z")));
        assertThat(event.path("rawPath").asText()).isEqualTo("/p/q");
        assertThat(event.path("cookies")).extracting(JsonNode::asText).containsExactly("x=1", "y=2");
        assertThat(event.path("headers").path("x-many").asText()).isEqualTo("1,2");
        assertThat(event.path("queryStringParameters").path("a").asText()).isEqualTo("1,2");
        assertThat(event.path("body").asText()).isEqualTo("AAEC");
        assertThat(event.path("isBase64Encoded").asBoolean()).isTrue();
        JsonNode context = event.path("requestContext");
        assertThat(context.path("accountId").asText()).isEqualTo("222222222222");
        assertThat(context.path("authorizer").path("iam").path("accessKey").asText()).isEqualTo("AKIDEXAMPLE");
        assertThat(context.path("time").asText()).isEqualTo("12/Mar/2026:19:03:58 +0000");
        assertThat(context.path("timeEpoch").asLong()).isEqualTo(1_773_342_238_390L);
        assertThat(context.path("http").path("sourceIp").asText()).isEqualTo("10.0.0.1");
        assertThat(context.path("http").path("method").asText()).isEqualTo("PUT");
        assertThat(FunctionUrlEvent.isText(Optional.of("application/vnd.api+json; charset=utf-8"))).isTrue();
        assertThat(FunctionUrlEvent.isText(Optional.of("application/x-www-form-urlencoded"))).isFalse();
    }

    @Test
    void corsHeadersReplaceTheFunctionsForAnAllowedOriginOnly() {
        Cors cors = new Cors(true, null, List.of("*"), List.of("*"), List.of("x-a"), null);
        ApiResponse function = new ApiResponse(200, Map.of("Access-Control-Allow-Origin", "https://other", "x-a", "1"), new byte[0], null);
        ApiResponse answer = FunctionUrlCors.decorate(request("https://app"), Optional.of(cors), function);
        assertThat(answer.headers()).containsEntry("Access-Control-Allow-Origin", "https://app")
                .containsEntry("Access-Control-Allow-Credentials", "true").containsEntry("Access-Control-Expose-Headers", "x-a")
                .containsEntry("x-a", "1");
        Cors listed = new Cors(null, null, null, List.of("https://app"), null, null);
        assertThat(FunctionUrlCors.decorate(request("https://evil"), Optional.of(listed), function)).isSameAs(function);
        assertThat(FunctionUrlCors.decorate(request("https://app"), Optional.of(listed), function).headers())
                .containsEntry("Access-Control-Allow-Origin", "https://app");
    }

    private static ApiRequest request(String origin) {
        return new ApiRequest("GET", "/", null, Map.of(), Map.of(), Map.of("origin", List.of(origin)), new byte[0], "r",
                new AccountContext("us-east-1", "000000000000"));
    }

    private static InvocationResult result(String payload) {
        return new InvocationResult(payload.getBytes(StandardCharsets.UTF_8), Optional.empty(), Optional.empty(), "$LATEST",
                Duration.ZERO, Optional.empty(), 0);
    }
}
