package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.TracingMode;

/**
 * {@code TracingConfig} through the AWS SDK for Java v2: kept per version, answered as Lambda does
 * ({@code PassThrough} by default), validated; and the function sees each invocation's X-Ray trace
 * header as {@code _X_AMZN_TRACE_ID}, sampled when {@code Active}, continuing a caller's
 * {@code X-Amzn-Trace-Id}.
 */
final class TestTracing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=";
    private static final String TRACE_READER = """
            import os
            def handler(event, context):
                return os.environ.get("_X_AMZN_TRACE_ID")
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
    void tracingConfigIsPassThroughByDefaultKeptPerVersionAndUpdated() {
        var created = lambda.createFunction(pythonFunction("traced-config", pythonZip(TRACE_READER)).build());
        assertThat(created.tracingConfig().mode()).isEqualTo(TracingMode.PASS_THROUGH);

        var active = lambda.updateFunctionConfiguration(r -> r.functionName("traced-config")
                .tracingConfig(t -> t.mode(TracingMode.ACTIVE)));
        String version = lambda.publishVersion(r -> r.functionName("traced-config")).version();
        lambda.updateFunctionConfiguration(r -> r.functionName("traced-config").description("tracing stays as it is"));
        var unchanged = lambda.getFunctionConfiguration(r -> r.functionName("traced-config"));
        lambda.updateFunctionConfiguration(r -> r.functionName("traced-config")
                .tracingConfig(t -> t.mode(TracingMode.PASS_THROUGH)));

        assertThat(active.tracingConfig().mode()).isEqualTo(TracingMode.ACTIVE);
        assertThat(unchanged.tracingConfig().mode()).isEqualTo(TracingMode.ACTIVE);
        assertThat(lambda.getFunction(r -> r.functionName("traced-config")).configuration().tracingConfig().mode())
                .isEqualTo(TracingMode.PASS_THROUGH);
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("traced-config").qualifier(version))
                .tracingConfig().mode()).as("the published version keeps its own").isEqualTo(TracingMode.ACTIVE);

        var createdActive = lambda.createFunction(pythonFunction("traced-created", pythonZip(TRACE_READER))
                .tracingConfig(t -> t.mode(TracingMode.ACTIVE)).build());
        assertThat(createdActive.tracingConfig().mode()).isEqualTo(TracingMode.ACTIVE);
    }

    @Test
    void aModeOutsideLambdasEnumIsAValidationException() {
        String expected = "1 validation error detected: Value 'Sometimes' at 'tracingConfig.mode' failed to satisfy constraint:"
                + " Member must satisfy enum value set: [Active, PassThrough]";

        assertThatThrownBy(() -> lambda.createFunction(pythonFunction("traced-invalid", pythonZip(TRACE_READER))
                .tracingConfig(t -> t.mode("Sometimes")).build()))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(expected);
                });
        lambda.createFunction(pythonFunction("traced-valid", pythonZip(TRACE_READER)).build());
        assertThatThrownBy(() -> lambda.updateFunctionConfiguration(r -> r.functionName("traced-valid")
                .tracingConfig(t -> t.mode("Sometimes"))))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThat(lambda.getFunctionConfiguration(r -> r.functionName("traced-valid")).tracingConfig().mode())
                .isEqualTo(TracingMode.PASS_THROUGH);
    }

    @Test
    void theFunctionReadsEachInvocationsTraceHeaderFromXAmznTraceId() throws IOException {
        lambda.createFunction(pythonFunction("traced-pass", pythonZip(TRACE_READER)).build());
        lambda.createFunction(pythonFunction("traced-active", pythonZip(TRACE_READER))
                .tracingConfig(t -> t.mode(TracingMode.ACTIVE)).build());
        String callerRoot = "1-67891233-abcdef012345678912345678";

        String passThrough = trace(InvokeRequest.builder().functionName("traced-pass"));
        String again = trace(InvokeRequest.builder().functionName("traced-pass"));
        String active = trace(InvokeRequest.builder().functionName("traced-active"));
        String continued = trace(InvokeRequest.builder().functionName("traced-pass").overrideConfiguration(o -> o.putHeader(
                "X-Amzn-Trace-Id", "Root=" + callerRoot + ";Parent=53995c3f42cd8ad8;Sampled=1")));

        assertThat(passThrough).matches(TRACE + "0");
        assertThat(again).matches(TRACE + "0").isNotEqualTo(passThrough);
        assertThat(active).matches(TRACE + "1");
        assertThat(continued).startsWith("Root=" + callerRoot + ";Parent=").endsWith(";Sampled=1")
                .doesNotContain("53995c3f42cd8ad8");
    }

    private static String trace(InvokeRequest.Builder request) throws IOException {
        byte[] payload = lambda.invoke(request.payload(SdkBytes.fromUtf8String("{}")).build()).payload().asByteArray();
        return JSON.readTree(payload).asText();
    }
}
