package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static dev.hearth.worker.TestFunctions.revision;
import static dev.hearth.worker.TestFunctions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker end to end with the real process backend and the real python runtime: the integration
 * tier (runtime behaviour, errors, logs, environment). Pool, keep-alive, capacity and provisioned
 * concurrency logic is tested on the fake backend ({@code TestSandboxPoolClaims} and its siblings).
 */
final class TestWorkerPython {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNTIME = "python3.12";

    @TempDir
    static Path root;
    private static ProcessWorkers workers;
    private static Path counterCode;
    private static Path importErrorCode;

    private final ManualClock clock = new ManualClock();
    private final RecordingLogSink logs = new RecordingLogSink();
    private Worker worker;

    @BeforeAll
    static void startBackend() throws Exception {
        workers = ProcessWorkers.open(root);
        counterCode = workers.install("python-counter", List.of("app.py"));
        importErrorCode = workers.install("python-import-error", List.of("app.py"));
    }

    @AfterAll
    static void stopBackend() {
        workers.close();
    }

    @BeforeEach
    void startWorker() throws Exception {
        worker = newWorker(WorkerConfig.DEFAULT_MAX_RESPONSE_BYTES);
    }

    private Worker newWorker(long maxResponseBytes) throws Exception {
        return workers.worker(c -> c.withMaxResponseBytes(maxResponseBytes), clock, logs);
    }

    @AfterEach
    void closeWorker() {
        worker.close();
    }

    private FunctionRevision counter(String name) {
        return revision(name, RUNTIME, "app.handler", counterCode, 3);
    }

    private static JsonNode json(InvocationResult result) throws Exception {
        return JSON.readTree(result.payload());
    }

    @Test
    void roundTripReturnsThePayloadAndWritesLambdasLogLines() throws Exception {
        FunctionRevision f = counter("echo");
        InvocationRequest req = request(f, "{\"action\":\"echo\",\"x\":[1,2]}", true);

        InvocationResult result = worker.invoke(f, req);

        assertThat(json(result)).isEqualTo(JSON.readTree("{\"action\":\"echo\",\"x\":[1,2]}"));
        assertThat(result.functionError()).isEmpty();
        assertThat(result.executedVersion()).isEqualTo("$LATEST");
        assertThat(result.initDuration()).isPresent();
        String tail = result.logTail().orElseThrow();
        assertThat(tail).contains("START RequestId: " + req.requestId() + " Version: $LATEST\n")
                .contains("handling echo, invocation 1 in this sandbox\n")
                .contains("END RequestId: " + req.requestId() + "\n")
                .containsPattern("REPORT RequestId: " + req.requestId()
                        + "\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\tMax Memory Used: \\d+ MB"
                        + "\tInit Duration: \\d+\\.\\d\\d ms\n$");
        assertThat(tail.indexOf("START")).isLessThan(tail.indexOf("handling echo"));
        assertThat(tail.indexOf("handling echo")).isLessThan(tail.indexOf("END RequestId"));

        List<RecordingLogSink.Event> events = logs.events();
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.logGroup()).isEqualTo("/aws/lambda/echo");
            assertThat(e.logStream()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST\\][0-9a-f]{32}");
        });
        assertThat(logs.messages("/aws/lambda/echo")).contains("init: loading module app",
                "START RequestId: " + req.requestId() + " Version: $LATEST", "END RequestId: " + req.requestId());
    }

    @Test
    void warmSandboxIsReusedAndInitDurationIsReportedOnlyOnTheColdStart() throws Exception {
        FunctionRevision f = counter("warm");

        InvocationResult first = worker.invoke(f, request(f, "{\"action\":\"count\"}", true));
        InvocationResult second = worker.invoke(f, request(f, "{\"action\":\"count\"}", true));

        assertThat(json(first).get("count").asInt()).isEqualTo(1);
        assertThat(json(second).get("count").asInt()).isEqualTo(2);
        assertThat(json(second).get("pid")).isEqualTo(json(first).get("pid"));
        assertThat(first.initDuration()).isPresent();
        assertThat(second.initDuration()).isEmpty();
        assertThat(second.logTail().orElseThrow()).contains("REPORT RequestId").doesNotContain("Init Duration");
        assertThat(worker.sandboxes()).singleElement()
                .satisfies(s -> assertThat(s.phase()).isEqualTo(SandboxInfo.Phase.IDLE));
    }

    @Test
    void aSandboxThatCannotStartAnswersWithoutHearthsInternalIdsOrPaths() {
        FunctionRevision f = revision("nul-variable", RUNTIME, "app.handler", counterCode, 3, "rev-1", Map.of("BAD", "x\u0000y"));

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> worker.invoke(f, request(f, "{\"action\":\"count\"}")))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.type()).isEqualTo(LambdaErrorType.ServiceException);
                        assertThat(e.getMessage()).isEqualTo("Could not start a sandbox for function nul-variable.")
                                .doesNotContain("sb-").doesNotContain(root.toString());
                    });
        }
    }

    @Test
    void anUnhandledExceptionIsReturnedAsLambdaDoesAndTheSandboxStaysWarm() throws Exception {
        FunctionRevision f = counter("raises");

        InvocationResult failed = worker.invoke(f, request(f, "{\"action\":\"raise\",\"message\":\"bad input\"}"));

        assertThat(failed.functionError()).contains("Unhandled");
        assertThat(json(failed).get("errorType").asText()).isEqualTo("ValueError");
        assertThat(json(failed).get("errorMessage").asText()).isEqualTo("boom: bad input");
        assertThat(json(worker.invoke(f, request(f, "{\"action\":\"count\"}"))).get("count").asInt()).isEqualTo(2);
    }

    @Test
    void aTimeoutKillsTheSandboxAnswersLambdasErrorAndTheNextInvocationWorks() throws Exception {
        FunctionRevision f = revision("slow", RUNTIME, "app.handler", counterCode, 1);
        InvocationRequest req = request(f, "{\"action\":\"sleep\",\"seconds\":30}", true);

        InvocationResult timedOut = worker.invoke(f, req);

        assertThat(timedOut.functionError()).contains("Unhandled");
        assertThat(json(timedOut).get("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(json(timedOut).get("errorMessage").asText())
                .isEqualTo("RequestId: " + req.requestId() + " Error: Task timed out after 1.00 seconds");
        assertThat(timedOut.logTail().orElseThrow())
                .containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z " + req.requestId()
                        + " Task timed out after 1.00 seconds\n")
                .contains("\tStatus: timeout\n");

        InvocationResult next = worker.invoke(f, request(f, "{\"action\":\"count\"}"));
        assertThat(next.functionError()).isEmpty();
        assertThat(json(next).get("count").asInt()).isEqualTo(1);
        assertThat(next.initDuration()).isPresent();
    }

    @Test
    void aRuntimeThatExitsGivesRuntimeExitErrorAndTheNextInvocationWorks() throws Exception {
        FunctionRevision f = counter("crashes");
        InvocationRequest req = request(f, "{\"action\":\"exit\",\"status\":1}", true);

        InvocationResult crashed = worker.invoke(f, req);

        assertThat(crashed.functionError()).contains("Unhandled");
        assertThat(json(crashed).get("errorType").asText()).isEqualTo("Runtime.ExitError");
        assertThat(json(crashed).get("errorMessage").asText())
                .isEqualTo("RequestId: " + req.requestId() + " Error: Runtime exited with error: exit status 1");
        assertThat(crashed.logTail().orElseThrow()).contains("Status: error\tError Type: Runtime.ExitError");

        InvocationResult next = worker.invoke(f, request(f, "{\"action\":\"count\"}"));
        assertThat(json(next).get("count").asInt()).isEqualTo(1);
    }

    @Test
    void aResponseOverTheLimitIsLambdasResponseSizeTooLargeErrorNotATruncation() throws Exception {
        worker.close();
        worker = newWorker(10_000);
        FunctionRevision f = counter("big");

        InvocationResult tooBig = worker.invoke(f, request(f, "{\"action\":\"big\",\"size\":20000}"));

        assertThat(tooBig.functionError()).contains("Unhandled");
        assertThat(json(tooBig).get("errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(json(tooBig).get("errorMessage").asText())
                .isEqualTo("Response payload size (20002 bytes) exceeded maximum allowed payload size (10000 bytes).");
        InvocationResult next = worker.invoke(f, request(f, "{\"action\":\"big\",\"size\":5000}"));
        assertThat(next.functionError()).isEmpty();
        assertThat(text(next)).hasSize(5002);
    }

    @Test
    void aSandboxKilledForItsMemoryLimitGivesRuntimeOutOfMemoryAndTheNextInvocationWorks() throws Exception {
        FunctionRevision f = revision("hog", RUNTIME, "app.handler", counterCode, 60);
        InvocationRequest req = request(f, "{\"action\":\"allocate\",\"mb\":400}");

        InvocationResult killed = worker.invoke(f, req);

        assertThat(killed.functionError()).contains("Unhandled");
        assertThat(json(killed).get("errorType").asText()).isEqualTo("Runtime.OutOfMemory");
        assertThat(json(killed).get("errorMessage").asText())
                .isEqualTo("RequestId: " + req.requestId() + " Error: Runtime exited with error: signal: killed");
        assertThat(json(worker.invoke(f, request(f, "{\"action\":\"count\"}"))).get("count").asInt()).isEqualTo(1);
    }

    @Test
    void anInitErrorIsReturnedAsTheRuntimeReportedItAndTheSandboxIsDiscarded() throws Exception {
        FunctionRevision f = revision("broken", RUNTIME, "app.handler", importErrorCode, 60);

        for (int attempt = 0; attempt < 2; attempt++) {
            InvocationRequest req = request(f, "{}", true);
            InvocationResult failed = worker.invoke(f, req);

            assertThat(failed.functionError()).contains("Unhandled");
            assertThat(json(failed).get("errorType").asText()).isEqualTo("Runtime.ImportModuleError");
            assertThat(json(failed).get("errorMessage").asText()).contains("module_that_does_not_exist");
            assertThat(failed.initDuration()).isPresent();
            assertThat(failed.logTail().orElseThrow()).contains("START RequestId: " + req.requestId())
                    .contains("Status: error\tError Type: Runtime.ImportModuleError");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.sandboxes().isEmpty());
    }

    @Test
    void theSandboxGetsLambdasEnvironmentAndReservedVariablesCannotBeOverridden() throws Exception {
        FunctionRevision f = revision("envs", RUNTIME, "app.handler", counterCode, 60, "rev-1",
                Map.of("MY_SETTING", "on", "AWS_REGION", "mars-1", "TZ", "Europe/Paris"));

        JsonNode env = json(worker.invoke(f, request(f, "{\"action\":\"env\"}")));

        assertThat(env.get("MY_SETTING").asText()).isEqualTo("on");
        assertThat(env.get("AWS_REGION").asText()).isEqualTo("us-east-1");
        assertThat(env.get("AWS_DEFAULT_REGION").asText()).isEqualTo("us-east-1");
        assertThat(env.get("TZ").asText()).isEqualTo("Europe/Paris");
        assertThat(env.get("_HANDLER").asText()).isEqualTo("app.handler");
        assertThat(env.get("LAMBDA_TASK_ROOT").asText()).isEqualTo(counterCode.toString());
        assertThat(env.get("LAMBDA_RUNTIME_DIR").asText()).isEqualTo(workers.runtimes().runtimeRoot(RUNTIME).toString());
        assertThat(env.get("AWS_LAMBDA_RUNTIME_API").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("envs");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo("$LATEST");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("128");
        assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/aws/lambda/envs");
        assertThat(env.get("AWS_LAMBDA_LOG_STREAM_NAME").asText())
                .isEqualTo(worker.sandboxes().getFirst().logStream());
        assertThat(env.get("AWS_EXECUTION_ENV").asText()).isEqualTo("AWS_Lambda_python3.12");
        assertThat(env.get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("on-demand");
        assertThat(env.get("LANG").asText()).isEqualTo("en_US.UTF-8");
        assertThat(env.get("PATH").asText()).startsWith("/usr/local/bin:/usr/bin/:/bin:").endsWith("/opt/bin");
    }

    @Test
    void theLogTailIsTheLast4KbOfTheInvocationEndingWithItsReport() throws Exception {
        FunctionRevision f = counter("chatty");
        InvocationRequest req = request(f, "{\"action\":\"print\",\"lines\":1000}", true);

        InvocationResult result = worker.invoke(f, req);

        String tail = result.logTail().orElseThrow();
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096).isGreaterThan(3000);
        assertThat(tail).contains("line 999\nEND RequestId: " + req.requestId() + "\nREPORT RequestId: " + req.requestId())
                .doesNotContain("START RequestId");
        assertThat(logs.messages("/aws/lambda/chatty")).contains("line 0", "line 999");
    }

    @Test
    void theLastOutputWithoutANewlineIsInTheInvocationsLogAndTailBeforeEnd() throws Exception {
        FunctionRevision f = counter("partial");
        InvocationRequest tailed = request(f, "{\"action\":\"partial\",\"text\":\"no newline\"}", true);
        InvocationRequest untailed = request(f, "{\"action\":\"partial\",\"text\":\"untailed\"}", false);
        InvocationRequest failing = request(f, "{\"action\":\"partial\",\"text\":\"before raising\",\"raise\":true}", true);

        InvocationResult first = worker.invoke(f, tailed);
        worker.invoke(f, untailed);
        InvocationResult failed = worker.invoke(f, failing);

        assertThat(first.logTail().orElseThrow()).contains("\nno newline\nEND RequestId: " + tailed.requestId() + "\n");
        assertThat(failed.functionError()).contains("Unhandled");
        assertThat(failed.logTail().orElseThrow()).contains("\nbefore raising\n[ERROR] ValueError: after partial output");
        List<String> messages = logs.messages("/aws/lambda/partial");
        assertThat(lineBefore(messages, "END RequestId: " + tailed.requestId())).isEqualTo("no newline");
        assertThat(lineBefore(messages, "END RequestId: " + untailed.requestId())).isEqualTo("untailed");
        assertThat(lineBefore(messages, "END RequestId: " + failing.requestId())).startsWith("[ERROR] ValueError");
        assertThat(messages).contains("before raising").noneSatisfy(m -> assertThat(m).contains("hearth-log-marker"));
    }

    private static String lineBefore(List<String> messages, String line) {
        int at = messages.indexOf(line);
        assertThat(at).as("%s in %s", line, messages).isPositive();
        return messages.get(at - 1);
    }

    @Test
    void theHandlerSeesEachInvocationsTraceHeaderAsXAmznTraceId() throws Exception {
        FunctionRevision passThrough = counter("traced");
        FunctionRevision active = TestFunctions.withTracing(counter("traced-active"), TracingMode.ACTIVE);
        String callerRoot = "1-5759e988-bd862e3fe1be46a994272793";

        String first = trace(worker.invoke(passThrough, request(passThrough, "{\"action\":\"trace\"}")));
        String second = trace(worker.invoke(passThrough, request(passThrough, "{\"action\":\"trace\"}")));
        String sampled = trace(worker.invoke(active, request(active, "{\"action\":\"trace\"}")));
        String continued = trace(worker.invoke(passThrough, TestFunctions.tracedRequest(passThrough,
                "{\"action\":\"trace\"}", "Root=" + callerRoot + ";Parent=53995c3f42cd8ad8;Sampled=1")));

        String format = "Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=";
        assertThat(first).matches(format + "0");
        assertThat(second).as("a new trace header for each invocation").matches(format + "0").isNotEqualTo(first);
        assertThat(sampled).matches(format + "1");
        assertThat(continued).startsWith("Root=" + callerRoot + ";Parent=").endsWith(";Sampled=1")
                .doesNotContain("53995c3f42cd8ad8");
    }

    private static String trace(InvocationResult result) throws Exception {
        return json(result).get("trace").asText();
    }
}
