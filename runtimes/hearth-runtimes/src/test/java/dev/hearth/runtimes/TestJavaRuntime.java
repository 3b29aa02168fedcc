package dev.hearth.runtimes;

import static dev.hearth.runtimes.FunctionFixtures.failure;
import static dev.hearth.runtimes.FunctionFixtures.json;
import static dev.hearth.runtimes.FunctionFixtures.result;
import static dev.hearth.runtimes.FunctionFixtures.successBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.runtimes.testfn.CountingHandler;
import dev.hearth.runtimes.testfn.FailingHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs AWS's Java runtime interface client, as shipped by the catalogue, against the test Runtime API. */
final class TestJavaRuntime {

    @TempDir
    static Path cache;

    @TempDir
    static Path taskRoot;

    private static RuntimeCatalog catalog;

    @TempDir
    Path work;

    @BeforeAll
    static void openCatalogAndPackageHandlers() throws Exception {
        catalog = RuntimeCatalog.open(cache);
        // the task root holds only the handler classes, as a function's .zip would
        Path classes = Path.of(CountingHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path packageDir = classes.resolve("dev/hearth/runtimes/testfn");
        Path target = Files.createDirectories(taskRoot.resolve("dev/hearth/runtimes/testfn"));
        try (Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }

    @Test
    void runsARequestHandlerWarmWithLambdasContext() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = RuntimeProcess.start(
                        catalog, "java21", CountingHandler.class.getName() + "::handleRequest", taskRoot, work, api)) {
            JsonNode one = successBody(result(api.invoke("{\"name\":\"first\",\"list\":[1,2]}",
                    Map.of("Lambda-Runtime-Client-Context", "{\"custom\":{\"tenant\":\"blue\"},\"env\":{},\"client\":{}}"))));
            JsonNode two = successBody(result(api.invoke("{\"name\":\"second\"}")));

            assertThat(one.get("event")).isEqualTo(json("{\"name\":\"first\",\"list\":[1,2]}"));
            assertThat(one.get("invocations").asInt()).isEqualTo(1);
            assertThat(two.get("invocations").asInt()).isEqualTo(2);
            assertThat(one.get("requestId").asText()).isNotEqualTo(two.get("requestId").asText()).hasSize(36);
            assertThat(one.get("functionName").asText()).isEqualTo(RuntimeProcess.FUNCTION_NAME);
            assertThat(one.get("invokedFunctionArn").asText()).isEqualTo(RuntimeApiTestServer.FUNCTION_ARN);
            assertThat(one.get("memoryLimitInMB").asInt()).isEqualTo(256);
            assertThat(one.get("remainingMillis").asLong()).isBetween(1L, 60_000L);
            assertThat(one.get("clientCustom")).isEqualTo(json("{\"tenant\":\"blue\"}"));
            await().atMost(FunctionFixtures.PATIENCE).untilAsserted(() -> assertThat(runtime.output())
                    .contains("handling first", "handling second")
                    .doesNotContain("WARNING"));
            assertThat(runtime.isAlive()).isTrue();
        }
    }

    @Test
    void reportsHandlerExceptionsWithTheirClassName() throws Exception {
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = RuntimeProcess.start(
                        catalog, "java25", FailingHandler.class.getName(), taskRoot, work, api)) {
            var failure = failure(result(api.invoke("{\"name\":\"x\"}")));
            JsonNode error = json(failure.body());
            assertThat(error.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.get("errorMessage").asText()).isEqualTo("broken x");
            assertThat(error.get("stackTrace").get(0).asText()).contains("FailingHandler.handleRequest");
        }
    }

    @Test
    void reportsAMissingClassOnTheFirstInvocation() throws Exception {
        // AWS's client defers a handler it cannot load to the first invocation, which fails with the fault
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = RuntimeProcess.start(
                        catalog, "java17", "example.NoSuchHandler::handleRequest", taskRoot, work, api)) {
            var failure = failure(result(api.invoke("{}")));
            JsonNode error = json(failure.body());
            assertThat(failure.errorTypeHeader()).isEqualTo("Runtime.BadFunctionCode");
            assertThat(error.get("errorType").asText()).isEqualTo("java.lang.ClassNotFoundException");
            assertThat(error.get("errorMessage").asText()).contains("example.NoSuchHandler");
        }
    }
}
