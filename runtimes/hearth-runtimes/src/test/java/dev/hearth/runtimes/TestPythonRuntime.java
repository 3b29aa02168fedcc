package dev.hearth.runtimes;

import static dev.hearth.runtimes.FunctionFixtures.result;
import static dev.hearth.runtimes.FunctionFixtures.failure;
import static dev.hearth.runtimes.FunctionFixtures.json;
import static dev.hearth.runtimes.FunctionFixtures.successBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestPythonRuntime {

    private static final String RUNTIME = "python3.12";

    @TempDir
    static Path cache;

    private static RuntimeCatalog catalog;

    @TempDir
    Path work;

    @BeforeAll
    static void openCatalog() {
        catalog = RuntimeCatalog.open(cache);
    }

    private RuntimeProcess start(RuntimeApiTestServer api, String handler) throws Exception {
        return RuntimeProcess.start(catalog, RUNTIME, handler, FunctionFixtures.directory("python"), work, api);
    }

    @Test
    void runsInvocationsOnOneWarmProcessWithLambdasContext() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(); RuntimeProcess runtime = start(api, "app.handler")) {
            var first = api.invoke("{\"name\":\"first\",\"nested\":{\"n\":[1,2.5,null]}}",
                    Map.of("Lambda-Runtime-Client-Context",
                            "{\"custom\":{\"tenant\":\"blue\"},\"env\":{},\"client\":{\"app_title\":\"demo\"}}",
                            "Lambda-Runtime-Cognito-Identity", "{\"cognitoIdentityId\":\"id-1\"}"));
            JsonNode one = successBody(result(first));
            JsonNode two = successBody(result(api.invoke("{\"name\":\"second\"}")));

            assertThat(one.get("event")).isEqualTo(json("{\"name\":\"first\",\"nested\":{\"n\":[1,2.5,null]}}"));
            assertThat(one.get("invocations").asInt()).isEqualTo(1);
            assertThat(two.get("invocations").asInt()).isEqualTo(2);
            assertThat(one.get("requestId").asText()).isNotEqualTo(two.get("requestId").asText()).hasSize(36);
            assertThat(one.get("functionName").asText()).isEqualTo(RuntimeProcess.FUNCTION_NAME);
            assertThat(one.get("functionVersion").asText()).isEqualTo("$LATEST");
            assertThat(one.get("invokedFunctionArn").asText()).isEqualTo(RuntimeApiTestServer.FUNCTION_ARN);
            assertThat(one.get("memoryLimitInMB").asText()).isEqualTo("256");
            assertThat(one.get("logGroupName").asText()).isEqualTo(RuntimeProcess.LOG_GROUP);
            assertThat(one.get("remainingMillis").asLong()).isBetween(1L, 60_000L);
            assertThat(one.get("clientCustom")).isEqualTo(json("{\"tenant\":\"blue\"}"));
            assertThat(one.get("clientAppTitle").asText()).isEqualTo("demo");
            assertThat(one.get("cognitoIdentityId").asText()).isEqualTo("id-1");
            assertThat(two.get("clientCustom").isNull()).isTrue();
            assertThat(one.get("traceId").asText()).startsWith("Root=1-5759e988");
            assertThat(api.clientPorts()).as("one keep-alive connection").hasSize(1);
            assertThat(runtime.isAlive()).isTrue();
        }
    }

    @Test
    void readsChunkedRuntimeApiResponses() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(true); RuntimeProcess runtime = start(api, "app.handler")) {
            JsonNode one = successBody(result(api.invoke("{\"name\":\"chunked\"}")));
            JsonNode two = successBody(result(api.invoke("{\"name\":\"again\"}")));
            assertThat(one.get("event").get("name").asText()).isEqualTo("chunked");
            assertThat(two.get("invocations").asInt()).isEqualTo(2);
            assertThat(api.clientPorts()).hasSize(1);
        }
    }

    @Test
    void acceptsBase64ClientContext() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(); RuntimeProcess runtime = start(api, "app.handler")) {
            String encoded = java.util.Base64.getEncoder().encodeToString("{\"custom\":{\"k\":\"v\"}}".getBytes());
            JsonNode body = successBody(result(api.invoke("{}", Map.of("Lambda-Runtime-Client-Context", encoded))));
            assertThat(body.get("clientCustom")).isEqualTo(json("{\"k\":\"v\"}"));
        }
    }

    @Test
    void logsAsLambdasPythonRuntime() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(); RuntimeProcess runtime = start(api, "app.handler")) {
            JsonNode body = successBody(result(api.invoke("{\"name\":\"logme\"}")));
            String requestId = body.get("requestId").asText();
            await().atMost(FunctionFixtures.PATIENCE).untilAsserted(() -> assertThat(runtime.outputLines())
                    .contains("init of app", "printed logme")
                    .anySatisfy(line -> assertThat(line).matches(
                            "\\[INFO]\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\t" + requestId + "\tlogged logme")));
        }
    }

    @Test
    void reportsHandlerExceptionsWithTheirTypeAndStackTrace() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(); RuntimeProcess runtime = start(api, "app.fail")) {
            var failure = failure(result(api.invoke("{\"name\":\"x\"}")));
            JsonNode error = json(failure.body());
            assertThat(failure.errorTypeHeader()).isEqualTo("ValueError");
            assertThat(error.get("errorType").asText()).isEqualTo("ValueError");
            assertThat(error.get("errorMessage").asText()).isEqualTo("boom x");
            assertThat(error.get("stackTrace")).hasSize(2);
            assertThat(error.get("stackTrace").get(0).asText()).contains("app.py", "in fail", "helper(event[\"name\"])");
            assertThat(error.get("stackTrace").get(1).asText()).contains("in helper", "raise ValueError");
            // the process survives a failed invocation
            assertThat(failure(result(api.invoke("{\"name\":\"y\"}"))).body()).contains("boom y");
            await().atMost(FunctionFixtures.PATIENCE).untilAsserted(() -> assertThat(runtime.output())
                    .contains("[ERROR] ValueError: boom x\rTraceback (most recent call last):\r  File "));
        }
    }

    @Test
    void reportsUnserialisableResultsAsMarshalError() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(); RuntimeProcess runtime = start(api, "app.unserialisable")) {
            JsonNode error = json(failure(result(api.invoke("{}"))).body());
            assertThat(error.get("errorType").asText()).isEqualTo("Runtime.MarshalError");
            assertThat(error.get("errorMessage").asText()).startsWith("Unable to marshal response: ").contains("set");
        }
    }

    @Test
    void reportsAMissingModuleAsImportModuleError() throws Exception {
        assertInitError("nosuch.handler", "Runtime.ImportModuleError",
                "Unable to import module 'nosuch': No module named 'nosuch'");
    }

    @Test
    void reportsAMissingHandlerAsHandlerNotFound() throws Exception {
        assertInitError("app.nothere", "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'app'");
    }

    @Test
    void reportsASyntaxErrorAsUserCodeSyntaxError() throws Exception {
        JsonNode error = assertInitError("broken.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'broken': ");
        assertThat(error.get("stackTrace").get(0).asText()).contains("broken.py", "Line 1");
    }

    @Test
    void reportsAHandlerWithoutModuleAsMalformedHandlerName() throws Exception {
        assertInitError("handler", "Runtime.MalformedHandlerName", "Bad handler 'handler': ");
    }

    @Test
    void reportsAnExceptionAtImportWithItsOwnType() throws Exception {
        assertInitError("raises_at_import.handler", "KeyError", "'no configuration'");
    }

    private JsonNode assertInitError(String handler, String errorType, String messageStart) throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start(); RuntimeProcess runtime = start(api, handler)) {
            var initError = result(api.initError());
            JsonNode error = json(initError.body());
            assertThat(initError.errorTypeHeader()).isEqualTo(errorType);
            assertThat(error.get("errorType").asText()).isEqualTo(errorType);
            assertThat(error.get("errorMessage").asText()).startsWith(messageStart);
            assertThat(error.get("stackTrace").isArray()).isTrue();
            await().atMost(FunctionFixtures.PATIENCE).until(() -> !runtime.isAlive());
            assertThat(runtime.exitValue()).isEqualTo(1);
            return error;
        }
    }
}
