package dev.hearth.runtimes;

import static dev.hearth.runtimes.FunctionFixtures.failure;
import static dev.hearth.runtimes.FunctionFixtures.json;
import static dev.hearth.runtimes.FunctionFixtures.result;
import static dev.hearth.runtimes.FunctionFixtures.successBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestNodeRuntime {

    private static final String RUNTIME = "nodejs20.x";
    private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @TempDir
    static Path cache;

    private static RuntimeCatalog catalog;

    @TempDir
    Path work;

    @BeforeAll
    static void openCatalog() {
        catalog = RuntimeCatalog.open(cache);
    }

    private RuntimeProcess start(RuntimeApiTestServer api, String function, String handler) throws Exception {
        return RuntimeProcess.start(catalog, RUNTIME, handler, FunctionFixtures.directory(function), work, api);
    }

    @Test
    void runsCommonJsAsyncHandlerWarmWithLambdasContext() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "index.handler")) {
            JsonNode one = successBody(result(api.invoke("{\"name\":\"first\",\"list\":[1,2.5,null]}",
                    Map.of("Lambda-Runtime-Client-Context", "{\"custom\":{\"tenant\":\"blue\"}}"))));
            JsonNode two = successBody(result(api.invoke("{\"name\":\"second\"}")));

            assertThat(one.get("event")).isEqualTo(json("{\"name\":\"first\",\"list\":[1,2.5,null]}"));
            assertThat(one.get("invocations").asInt()).isEqualTo(1);
            assertThat(two.get("invocations").asInt()).isEqualTo(2);
            assertThat(one.get("requestId").asText()).isNotEqualTo(two.get("requestId").asText()).hasSize(36);
            assertThat(one.get("functionName").asText()).isEqualTo(RuntimeProcess.FUNCTION_NAME);
            assertThat(one.get("invokedFunctionArn").asText()).isEqualTo(RuntimeApiTestServer.FUNCTION_ARN);
            assertThat(one.get("memoryLimitInMB").asText()).isEqualTo("256");
            assertThat(one.get("logGroupName").asText()).isEqualTo(RuntimeProcess.LOG_GROUP);
            assertThat(one.get("remainingMillis").asLong()).isBetween(1L, 60_000L);
            assertThat(one.get("clientCustom")).isEqualTo(json("{\"tenant\":\"blue\"}"));
            assertThat(two.get("clientCustom").isNull()).isTrue();
            assertThat(one.get("traceId").asText()).startsWith("Root=1-5759e988");
            assertThat(api.clientPorts()).as("one keep-alive connection").hasSize(1);

            String requestId = one.get("requestId").asText();
            await().atMost(FunctionFixtures.PATIENCE).untilAsserted(() -> assertThat(runtime.outputLines())
                    .anySatisfy(line -> assertThat(line).matches(ISO + "\tundefined\tINFO\tinit of index"))
                    .anySatisfy(line -> assertThat(line).matches(ISO + "\t" + requestId + "\tINFO\tlogged first"))
                    .anySatisfy(line -> assertThat(line).matches(ISO + "\t" + requestId + "\tWARN\twarned\rsecond line")));
        }
    }

    @Test
    void runsEsModulesFromPackageTypeModule() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-esm", "app.handler")) {
            JsonNode one = successBody(result(api.invoke("{\"n\":1}")));
            JsonNode two = successBody(result(api.invoke("{\"n\":2}")));
            assertThat(one.get("event")).isEqualTo(json("{\"n\":1}"));
            assertThat(one.get("platform").asText()).isEqualTo("linux");
            assertThat(two.get("invocations").asInt()).isEqualTo(2);
        }
    }

    @Test
    void runsMjsFiles() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "esm.handler")) {
            assertThat(successBody(result(api.invoke("{\"n\":3}")))).isEqualTo(json("{\"module\":\"mjs\",\"event\":{\"n\":3}}"));
        }
    }

    @Test
    void callbackHandlerResultWaitsForTheEmptyEventLoop() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "index.callback")) {
            JsonNode one = successBody(result(api.invoke("{}")));
            // the handler's 20 ms timer ran before the result was posted
            assertThat(runtime.output()).contains("\tINFO\ttimer fired");
            assertThat(one).isEqualTo(json("{\"invocations\":1,\"waits\":true}"));
            assertThat(successBody(result(api.invoke("{}"))).get("invocations").asInt()).isEqualTo(2);
        }
    }

    @Test
    void reportsThrownErrorsWithNameMessageAndTrace() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "index.fail")) {
            var failure = failure(result(api.invoke("{\"name\":\"x\"}")));
            JsonNode error = json(failure.body());
            assertThat(failure.errorTypeHeader()).isEqualTo("TypeError");
            assertThat(error.get("errorType").asText()).isEqualTo("TypeError");
            assertThat(error.get("errorMessage").asText()).isEqualTo("bad x");
            assertThat(error.get("trace").get(0).asText()).isEqualTo("TypeError: bad x");
            assertThat(error.get("trace").get(1).asText()).contains("index.js");
            assertThat(failure(result(api.invoke("{\"name\":\"y\"}"))).body()).contains("bad y");
            await().atMost(FunctionFixtures.PATIENCE).untilAsserted(() -> assertThat(runtime.output())
                    .containsPattern("\tERROR\tInvoke Error \t\\{\"errorType\":\"TypeError\",\"errorMessage\":\"bad x\""));
        }
    }

    @Test
    void reportsCallbackErrorsThatAreNotErrors() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "index.callbackError")) {
            JsonNode error = json(failure(result(api.invoke("{}"))).body());
            assertThat(error).isEqualTo(json("{\"errorType\":\"string\",\"errorMessage\":\"plain string failure\",\"trace\":[]}"));
        }
    }

    @Test
    void reportsAnUncaughtExceptionAndExits() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "index.crash")) {
            JsonNode error = json(failure(result(api.invoke("{}"))).body());
            assertThat(error.get("errorType").asText()).isEqualTo("RangeError");
            assertThat(error.get("errorMessage").asText()).isEqualTo("late failure");
            await().atMost(FunctionFixtures.PATIENCE).until(() -> !runtime.isAlive());
            assertThat(runtime.exitValue()).isEqualTo(129);
        }
    }

    @Test
    void reportsAnUnhandledRejectionAndExits() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", "index.rejectLater")) {
            var failure = failure(result(api.invoke("{}")));
            JsonNode error = json(failure.body());
            assertThat(failure.errorTypeHeader()).isEqualTo("Runtime.UnhandledPromiseRejection");
            assertThat(error.get("errorMessage").asText()).isEqualTo("Error: forgotten");
            await().atMost(FunctionFixtures.PATIENCE).until(() -> !runtime.isAlive());
            assertThat(runtime.exitValue()).isEqualTo(128);
        }
    }

    @Test
    void reportsAMissingModuleAsImportModuleError() throws Exception {
        JsonNode error = assertInitError("nosuch.handler", "Runtime.ImportModuleError");
        assertThat(error.get("errorMessage").asText()).startsWith("Error: Cannot find module 'nosuch'");
    }

    @Test
    void reportsAMissingDependencyAsImportModuleError() throws Exception {
        JsonNode error = assertInitError("requires_missing.handler", "Runtime.ImportModuleError");
        assertThat(error.get("errorMessage").asText()).startsWith("Error: Cannot find module 'no-such-package'");
    }

    @Test
    void reportsAMissingHandlerAsHandlerNotFound() throws Exception {
        JsonNode error = assertInitError("index.nothere", "Runtime.HandlerNotFound");
        assertThat(error.get("errorMessage").asText()).isEqualTo("index.nothere is undefined or not exported");
    }

    @Test
    void reportsANonFunctionHandlerAsHandlerNotFound() throws Exception {
        JsonNode error = assertInitError("index.notAFunction", "Runtime.HandlerNotFound");
        assertThat(error.get("errorMessage").asText()).isEqualTo("index.notAFunction is not a function");
    }

    @Test
    void reportsASyntaxErrorAsUserCodeSyntaxError() throws Exception {
        JsonNode error = assertInitError("broken.handler", "Runtime.UserCodeSyntaxError");
        assertThat(error.get("errorMessage").asText()).startsWith("SyntaxError: ");
        assertThat(error.get("trace").get(0).asText()).startsWith("Runtime.UserCodeSyntaxError: SyntaxError: ");
    }

    @Test
    void reportsAHandlerWithoutFunctionAsMalformedHandlerName() throws Exception {
        JsonNode error = assertInitError("index", "Runtime.MalformedHandlerName");
        assertThat(error.get("errorMessage").asText()).isEqualTo("Bad handler");
    }

    private JsonNode assertInitError(String handler, String errorType) throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = start(api, "node-cjs", handler)) {
            var initError = result(api.initError());
            JsonNode error = json(initError.body());
            assertThat(initError.errorTypeHeader()).isEqualTo(errorType);
            assertThat(error.get("errorType").asText()).isEqualTo(errorType);
            assertThat(error.get("trace").isArray()).isTrue();
            await().atMost(FunctionFixtures.PATIENCE).until(() -> !runtime.isAlive());
            assertThat(runtime.exitValue()).isEqualTo(1);
            assertThat(runtime.output()).contains("\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"" + errorType);
            return error;
        }
    }
}
