package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static dev.hearth.worker.TestFunctions.revision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker with a custom ({@code provided}) runtime that speaks the Runtime API itself, including
 * one that probes the protocol's checks on the real socket, and with the nodejs runtime.
 */
final class TestWorkerProvidedAndNode {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    private static ProcessWorkers workers;
    private static Path echoCode;
    private static Path protocolCode;
    private static Path nodeCode;
    private static Path hangCode;
    private static Path exitCode;
    private static Path partialCode;

    private final RecordingLogSink logs = new RecordingLogSink();
    private Worker worker;

    @BeforeAll
    static void startBackend() throws Exception {
        workers = ProcessWorkers.open(root);
        echoCode = workers.install("provided-echo", List.of("bootstrap"));
        protocolCode = workers.install("provided-protocol", List.of("bootstrap"));
        nodeCode = workers.install("node-counter", List.of("index.mjs"));
        hangCode = workers.install("provided-hang", List.of("bootstrap"));
        exitCode = workers.install("provided-exit", List.of("bootstrap"));
        partialCode = workers.install("provided-partial", List.of("bootstrap"));
    }

    @AfterAll
    static void stopBackend() {
        workers.close();
    }

    @BeforeEach
    void startWorker() throws Exception {
        worker = newWorker(WorkerConfig.DEFAULT_INIT_TIMEOUT);
    }

    private Worker newWorker(Duration initTimeout) throws Exception {
        return workers.worker(c -> c.withInitTimeout(initTimeout), new ManualClock(), logs);
    }

    @AfterEach
    void closeWorker() {
        worker.close();
    }

    @Test
    void aCustomRuntimeGetsTheEventWithLambdasRuntimeHeaders() throws Exception {
        FunctionRevision f = revision("custom", "provided.al2023", "whatever.handler", echoCode, 60);
        String clientContext = "{\"custom\":{\"k\":\"v\"},\"client\":{},\"env\":{}}";
        InvocationRequest req = new InvocationRequest(UUID.randomUUID().toString(),
                "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8),
                Optional.of(Base64.getEncoder().encodeToString(clientContext.getBytes(StandardCharsets.UTF_8))),
                f.functionArn() + ":$LATEST", false);

        JsonNode first = JSON.readTree(worker.invoke(f, req).payload());
        JsonNode second = JSON.readTree(worker.invoke(f, request(f, "{}")).payload());

        assertThat(first.get("count").asInt()).isEqualTo(1);
        assertThat(second.get("count").asInt()).isEqualTo(2);
        assertThat(first.get("event")).isEqualTo(JSON.readTree("{\"hello\":\"world\"}"));
        JsonNode headers = first.get("headers");
        assertThat(headers.get("Lambda-Runtime-Aws-Request-Id").asText()).isEqualTo(req.requestId());
        assertThat(headers.get("Lambda-Runtime-Invoked-Function-Arn").asText()).isEqualTo(f.functionArn() + ":$LATEST");
        assertThat(headers.get("Lambda-Runtime-Deadline-Ms").asLong()).isPositive();
        assertThat(headers.get("Lambda-Runtime-Trace-Id").asText())
                .matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");
        assertThat(JSON.readTree(headers.get("Lambda-Runtime-Client-Context").asText()))
                .isEqualTo(JSON.readTree(clientContext));
        assertThat(second.get("headers").has("Lambda-Runtime-Client-Context")).isFalse();
    }

    @Test
    void theRuntimeApiRefusesWrongRequestIdsAndSecondResponsesAsLambdaDoes() throws Exception {
        FunctionRevision f = revision("prober", "provided.al2", "x", protocolCode, 60);

        InvocationResult result = worker.invoke(f, request(f, "{}"));

        assertThat(new String(result.payload(), StandardCharsets.UTF_8)).isEqualTo("\"ok\"");
        assertThat(result.functionError()).isEmpty();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(probes())
                .contains("PROBE unknown-path 404")
                .contains("PROBE wrong-id 400 {\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}")
                .contains("PROBE init-error-after-init 403 {\"errorMessage\":\"State transition is not allowed\","
                        + "\"errorType\":\"InvalidStateTransition\"}")
                .contains("PROBE first-response 202 {\"status\":\"OK\"}")
                .contains("PROBE second-response 403 {\"errorMessage\":\"State transition is not allowed\","
                        + "\"errorType\":\"InvalidStateTransition\"}")
                .contains("PROBE error-after-response 403"));
        // the refusals did not disturb the sandbox: it takes the next event
        assertThat(new String(worker.invoke(f, request(f, "{}")).payload(), StandardCharsets.UTF_8)).isEqualTo("\"ok\"");
    }

    private String probes() {
        return String.join("\n", logs.messages("/aws/lambda/prober"));
    }

    @Test
    void nodeRoundTripKeepsModuleStateAndReportsUnhandledErrors() throws Exception {
        FunctionRevision f = revision("noder", "nodejs20.x", "index.handler", nodeCode, 60);

        InvocationResult first = worker.invoke(f, request(f, "{\"action\":\"count\"}", true));
        InvocationResult second = worker.invoke(f, request(f, "{\"action\":\"count\"}"));
        InvocationResult failed = worker.invoke(f, request(f, "{\"action\":\"raise\"}"));

        assertThat(JSON.readTree(first.payload()).get("count").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(second.payload()).get("count").asInt()).isEqualTo(2);
        assertThat(first.initDuration()).isPresent();
        assertThat(second.initDuration()).isEmpty();
        assertThat(first.logTail().orElseThrow()).contains("handling count, invocation 1 in this sandbox");
        assertThat(failed.functionError()).contains("Unhandled");
        assertThat(JSON.readTree(failed.payload()).get("errorType").asText()).isEqualTo("TypeError");
        assertThat(JSON.readTree(failed.payload()).get("errorMessage").asText()).isEqualTo("node boom");
    }

    @Test
    void aRuntimeThatNeverAsksForAnEventHitsTheInitTimeoutAndIsDiscarded() throws Exception {
        worker.close();
        worker = newWorker(Duration.ofSeconds(1));
        FunctionRevision f = revision("hangs", "provided.al2023", "x", hangCode, 30);
        InvocationRequest req = request(f, "{}", true);

        InvocationResult result = worker.invoke(f, req);

        assertThat(result.functionError()).contains("Unhandled");
        JsonNode error = JSON.readTree(result.payload());
        assertThat(error.get("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(error.get("errorMessage").asText())
                .isEqualTo("RequestId: " + req.requestId() + " Error: Task timed out after 1.00 seconds");
        assertThat(result.initDuration()).isPresent();
        assertThat(result.logTail().orElseThrow()).contains("hanging before asking for an event")
                .contains("START RequestId: " + req.requestId()).contains("Status: timeout");
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.sandboxes().isEmpty());
    }

    @Test
    void aRuntimeThatExitsDuringInitGivesRuntimeExitError() throws Exception {
        FunctionRevision f = revision("quits", "provided.al2023", "x", exitCode, 60);
        InvocationRequest req = request(f, "{}", true);

        InvocationResult result = worker.invoke(f, req);

        assertThat(result.functionError()).contains("Unhandled");
        JsonNode error = JSON.readTree(result.payload());
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.ExitError");
        assertThat(error.get("errorMessage").asText())
                .isEqualTo("RequestId: " + req.requestId() + " Error: Runtime exited with error: exit status 3");
        assertThat(result.logTail().orElseThrow()).contains("giving up during init");
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.sandboxes().isEmpty());
    }

    @Test
    void nodesLastOutputWithoutANewlineIsInTheInvocationsLogAndTailBeforeEnd() throws Exception {
        FunctionRevision f = revision("node-partial", "nodejs20.x", "index.handler", nodeCode, 60);
        InvocationRequest tailed = request(f, "{\"action\":\"partial\",\"text\":\"node no newline\"}", true);
        InvocationRequest untailed = request(f, "{\"action\":\"partial\",\"text\":\"node untailed\"}", false);

        InvocationResult first = worker.invoke(f, tailed);
        worker.invoke(f, untailed);

        assertThat(first.logTail().orElseThrow()).contains("\nnode no newline\nEND RequestId: " + tailed.requestId() + "\n");
        List<String> messages = logs.messages("/aws/lambda/node-partial");
        assertThat(lineBefore(messages, "END RequestId: " + tailed.requestId())).isEqualTo("node no newline");
        assertThat(lineBefore(messages, "END RequestId: " + untailed.requestId())).isEqualTo("node untailed");
        assertThat(messages).noneSatisfy(m -> assertThat(m).contains("hearth-log-marker"));
    }

    @Test
    void aCustomRuntimesLastOutputWithoutANewlineIsEndedAtEnd() throws Exception {
        FunctionRevision f = revision("provided-partial", "provided.al2023", "x", partialCode, 60);
        InvocationRequest first = request(f, "{\"text\":\"provided no newline\"}", true);
        InvocationRequest second = request(f, "{\"text\":\"and again\"}", true);

        InvocationResult one = worker.invoke(f, first);
        InvocationResult two = worker.invoke(f, second);

        assertThat(one.logTail().orElseThrow()).contains("\nprovided no newline\nEND RequestId: " + first.requestId() + "\n");
        assertThat(two.logTail().orElseThrow()).contains("\nand again\nEND RequestId: " + second.requestId() + "\n")
                .doesNotContain("provided no newline");
        List<String> messages = logs.messages("/aws/lambda/provided-partial");
        assertThat(lineBefore(messages, "END RequestId: " + first.requestId())).isEqualTo("provided no newline");
        assertThat(lineBefore(messages, "END RequestId: " + second.requestId())).isEqualTo("and again");
    }

    private static String lineBefore(List<String> messages, String line) {
        int at = messages.indexOf(line);
        assertThat(at).as("%s in %s", line, messages).isPositive();
        return messages.get(at - 1);
    }

    @Test
    void nodeHandlersSeeEachInvocationsTraceHeaderAsXAmznTraceId() throws Exception {
        FunctionRevision f = TestFunctions.withTracing(revision("node-traced", "nodejs20.x", "index.handler", nodeCode, 60),
                TracingMode.ACTIVE);
        String callerRoot = "1-5759e988-bd862e3fe1be46a994272793";

        JsonNode first = JSON.readTree(worker.invoke(f, request(f, "{\"action\":\"trace\"}")).payload());
        JsonNode second = JSON.readTree(worker.invoke(f, TestFunctions.tracedRequest(f, "{\"action\":\"trace\"}",
                "Root=" + callerRoot + ";Parent=53995c3f42cd8ad8;Sampled=0")).payload());

        assertThat(first.get("trace").asText()).matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1");
        assertThat(second.get("trace").asText()).startsWith("Root=" + callerRoot + ";Parent=")
                .as("the caller's decision wins over Active").endsWith(";Sampled=0");
    }
}
