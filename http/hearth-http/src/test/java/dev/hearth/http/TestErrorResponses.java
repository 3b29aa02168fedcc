package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Error bodies in each protocol's shape (field names as Lambda's service model declares them per
 * error type), and the 413 of an oversized body on a real socket, per service.
 */
final class TestErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void queryProtocolErrorsAreXmlErrorResponses() {
        ApiResponse refused = ErrorResponses.of(new LambdaException(LambdaErrorType.InvalidSignatureException, "a <bad> signature"),
                ErrorResponses.Protocol.AWS_QUERY, "SQS", "r0");
        assertThat(refused.status()).isEqualTo(LambdaErrorType.InvalidSignatureException.httpStatus());
        assertThat(refused.contentType()).isEqualTo("text/xml");
        assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("<?xml version=\"1.0\"?>"
                + "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>"
                + "<Message>a &lt;bad&gt; signature</Message></Error><RequestId>r0</RequestId></ErrorResponse>");
        // the query services' common-error names for what the shared endpoint refuses
        assertThat(ErrorResponses.queryCode(LambdaErrorType.UnrecognizedClientException)).isEqualTo("InvalidClientTokenId");
        assertThat(ErrorResponses.queryCode(LambdaErrorType.ServiceException)).isEqualTo("InternalFailure");
        assertThat(ErrorResponses.queryCode(LambdaErrorType.ResourceNotFoundException)).isEqualTo("ResourceNotFoundException");
        ApiService sqs = new ApiService("sqs", java.util.Set.of("AmazonSQS"), java.util.Set.of("SendMessage"), List.of(),
                ErrorResponses.Protocol.AWS_JSON);
        assertThat(sqs.errorProtocolOf(false)).isEqualTo(ErrorResponses.Protocol.AWS_QUERY);
        assertThat(sqs.errorProtocolOf(true)).isEqualTo(ErrorResponses.Protocol.AWS_JSON);
        assertThat(ApiService.json("logs", "Logs_20140328", List.of()).errorProtocolOf(false)).isEqualTo(ErrorResponses.Protocol.AWS_JSON);
    }

    @Test
    void lambdaErrorsCarryTheFieldsItsModelDeclares() throws IOException {
        ApiResponse notFound = ErrorResponses.of(LambdaException.notFound("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"),
                ErrorResponses.Protocol.REST_JSON, "GetFunction", "r1");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.headers()).containsEntry("x-amzn-ErrorType", "ResourceNotFoundException");
        assertThat(body(notFound)).isEqualTo(Map.of("Type", "User",
                "Message", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"));

        ApiResponse invalid = ErrorResponses.of(LambdaException.invalidParameter("bad"), ErrorResponses.Protocol.REST_JSON, "CreateFunction", "r2");
        assertThat(body(invalid)).isEqualTo(Map.of("Type", "User", "message", "bad"));

        ApiResponse validation = ErrorResponses.of(new LambdaException(LambdaErrorType.ValidationException, "1 validation error detected: x"),
                ErrorResponses.Protocol.REST_JSON, "CreateFunction", "r3");
        assertThat(validation.status()).isEqualTo(400);
        assertThat(body(validation)).isEqualTo(Map.of("message", "1 validation error detected: x"));

        ApiResponse throttled = ErrorResponses.of(new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate Exceeded.",
                Map.of("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded")), ErrorResponses.Protocol.REST_JSON, "InvokeFunction", "r4");
        assertThat(body(throttled)).isEqualTo(Map.of("Type", "User", "message", "Rate Exceeded.",
                "Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"));
    }

    @Test
    void aBugIsAServiceExceptionWithItsCapitalizedMessage() throws IOException {
        ApiResponse bug = ErrorResponses.of(new IllegalStateException("boom"), ErrorResponses.Protocol.REST_JSON, "GetFunction", "r5");
        assertThat(bug.status()).isEqualTo(500);
        assertThat(bug.headers()).containsEntry("x-amzn-ErrorType", "ServiceException");
        Map<String, Object> body = body(bug);
        assertThat(body).containsEntry("Type", "Service").containsOnlyKeys("Type", "Message");
        assertThat((String) body.get("Message")).contains("GetFunction").contains("r5").doesNotContain("boom");
    }

    @Test
    void awsJsonErrorsNameTheirTypeInTheBody() throws IOException {
        ApiResponse notFound = ErrorResponses.of(LambdaException.notFound("The specified log group does not exist."),
                ErrorResponses.Protocol.AWS_JSON, "CloudWatchLogs", "r6");
        assertThat(notFound.headers()).containsEntry("x-amzn-ErrorType", "ResourceNotFoundException");
        assertThat(body(notFound)).isEqualTo(Map.of("__type", "ResourceNotFoundException",
                "message", "The specified log group does not exist."));
    }

    @Test
    void anOversizedBodyIsRefusedInTheWordsOfItsService() throws Exception {
        ApiService lambda = ApiService.rest("lambda", List.of(
                new Route("POST", "/2015-03-31/functions/{FunctionName}/invocations", "InvokeFunction", 16, r -> ApiResponse.noContent())));
        ApiService logs = ApiService.json("logs", "Logs_20140328",
                List.of(new Route("POST", "/", "CloudWatchLogs", 16, r -> ApiResponse.noContent())));
        try (HttpApiServer server = new HttpApiServer("127.0.0.1", 0, List.of(lambda, logs), RequestAuthenticator.ACCEPT_ALL,
                AccountContext.DEFAULT)) {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> invoke = http.send(HttpRequest.newBuilder(URI.create(base + "/2015-03-31/functions/f/invocations"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"payload\": \"more than sixteen bytes\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(invoke.statusCode()).isEqualTo(413);
            assertThat(invoke.headers().firstValue("x-amzn-ErrorType")).contains("RequestEntityTooLargeException");
            assertThat(JSON.readTree(invoke.body())).isEqualTo(JSON.readTree(
                    "{\"message\": \"Request must be smaller than 16 bytes for the InvokeFunction operation\"}"));

            HttpResponse<String> logsAnswer = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("X-Amz-Target", "Logs_20140328.FilterLogEvents")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"logGroupName\": \"/aws/lambda/f\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(logsAnswer.statusCode()).isEqualTo(413);
            JsonNode logsBody = JSON.readTree(logsAnswer.body());
            assertThat(logsBody.get("__type").asText()).isEqualTo("RequestTooLargeException");
            assertThat(logsBody.get("message").asText()).isEqualTo("Request must be smaller than 16 bytes for the CloudWatchLogs operation");

            HttpResponse<String> unknownTarget = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("X-Amz-Target", "Nope_2020.Do").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknownTarget.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknownTarget.body()).get("__type").asText()).isEqualTo("UnknownOperationException");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(ApiResponse response) throws IOException {
        return JSON.readValue(response.body(), Map.class);
    }
}
