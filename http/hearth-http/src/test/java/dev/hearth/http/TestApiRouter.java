package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Dispatch on one endpoint without a socket: by SigV4 service, X-Amz-Target, Action, then path. */
final class TestApiRouter {
    private static final ApiService LAMBDA = ApiService.rest("lambda", List.of(
            new Route("GET", "/2015-03-31/functions/{FunctionName}", "GetFunction", 0, r -> null),
            new Route("GET", "/hearth/metrics", "GetMetrics", 0, r -> null).unsigned()));
    private static final ApiService LOGS = ApiService.json("logs", "Logs_20140328",
            List.of(new Route("POST", "/", "CloudWatchLogs", 0, r -> null)));
    private static final ApiService SQS = new ApiService("sqs", Set.of("AmazonSQS"), Set.of("SendMessage"),
            List.of(new Route("POST", "/", "Sqs", 0, r -> null)));
    private static final ApiService S3 = ApiService.rest("s3", List.of(
            new Route("GET", "/{Bucket}/{Key}", "GetObject", 0, r -> null)));
    private static final ApiRouter ROUTER = new ApiRouter(List.of(LAMBDA, LOGS, SQS, S3));

    @Test
    void aSignedRequestGoesToTheServiceOfItsCredentialScope() {
        // the same "POST /" belongs to logs or sqs depending on the scope
        assertThat(route("POST", "/", Map.of("authorization", sigv4("logs")), Map.of()).service()).isSameAs(LOGS);
        assertThat(route("POST", "/", Map.of("authorization", sigv4("sqs")), Map.of()).service()).isSameAs(SQS);
        // a bucket named like Lambda's API version still reaches S3 when signed for s3
        ApiRouter.Match object = route("GET", "/2015-03-31/functions", Map.of("authorization", sigv4("s3")), Map.of());
        assertThat(object.service()).isSameAs(S3);
        assertThat(object.pathParameters()).containsEntry("Bucket", "2015-03-31").containsEntry("Key", "functions");
        // presigned: the scope is in the query
        assertThat(route("GET", "/b/k", Map.of(),
                Map.of("X-Amz-Credential", List.of("AKID/20261207/us-east-1/s3/aws4_request"))).service()).isSameAs(S3);
    }

    @Test
    void aServiceHearthDoesNotServeIsAnUnknownOperation() {
        assertThatThrownBy(() -> route("POST", "/", Map.of("authorization", sigv4("dynamodb")), Map.of()))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.UnknownOperationException);
                    assertThat(e.getMessage()).contains("'dynamodb'").contains("lambda");
                });
    }

    @Test
    void anUnsignedRequestGoesByTargetThenActionThenPath() {
        assertThat(route("POST", "/", Map.of("x-amz-target", "Logs_20140328.PutLogEvents"), Map.of()).service()).isSameAs(LOGS);
        assertThat(route("POST", "/", Map.of("x-amz-target", "AmazonSQS.SendMessage"), Map.of()).service()).isSameAs(SQS);
        assertThat(route("POST", "/", Map.of(), Map.of("Action", List.of("SendMessage"))).service()).isSameAs(SQS);
        assertThat(route("GET", "/hearth/metrics", Map.of(), Map.of()).route().access()).isEqualTo(Route.Access.PUBLIC);
        assertThat(route("GET", "/2015-03-31/functions/f", Map.of(), Map.of()).service()).isSameAs(LAMBDA);
        assertThatThrownBy(() -> route("POST", "/", Map.of("x-amz-target", "Unknown_1.Op"), Map.of()))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.UnknownOperationException));
    }

    @Test
    void aKnownPathWithAnotherMethodIsMethodNotAllowed() {
        assertThatThrownBy(() -> route("DELETE", "/2015-03-31/functions/f", Map.of("authorization", sigv4("lambda")), Map.of()))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.MethodNotAllowedException));
        assertThatThrownBy(() -> route("GET", "/nowhere", Map.of(), Map.of()))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.UnknownOperationException));
    }

    @Test
    void twoServicesCannotClaimTheSameKey() {
        assertThatThrownBy(() -> new ApiRouter(List.of(LOGS, ApiService.json("other", "Logs_20140328", List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Logs_20140328");
    }

    private static ApiRouter.Match route(String method, String path, Map<String, String> headers,
            Map<String, List<String>> query) {
        Map<String, String> lower = new HashMap<>(headers);
        return ROUTER.route(method, path, name -> Optional.ofNullable(lower.get(name)), query);
    }

    private static String sigv4(String service) {
        return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/" + service
                + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
    }
}
