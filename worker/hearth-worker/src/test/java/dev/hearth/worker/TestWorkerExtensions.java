package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.namespace.NamespaceSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxSettings;
import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lambda's Extensions API through the whole worker, on the {@code process} and {@code namespace}
 * backends: an external extension (a python script in a layer's {@code extensions} directory) is
 * started before the runtime, registers for INVOKE and SHUTDOWN, holds Init until it asked for its
 * first event, gets each invocation's INVOKE event with Lambda's fields, keeps the invocation going
 * until it asks for its next event (billed, not in Duration), and gets SHUTDOWN ({@code spindown})
 * when the sandbox is retired; registering after Init and an unknown identifier are refused with
 * Lambda's errors.
 */
final class TestWorkerExtensions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    private static ProcessSandboxBackend process;
    private static NamespaceSandboxBackend namespace;
    private static RuntimeCatalog runtimes;
    private static Path extensionLayer;
    private static Path code;
    private static Path telemetryLayer;
    private static Path printingCode;

    @BeforeAll
    static void prepare() throws Exception {
        TestFunctions.openUp(root);
        process = new ProcessSandboxBackend();
        namespace = new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(root.resolve("namespace-state")));
        runtimes = RuntimeCatalog.open(root.resolve("runtimes"));
        extensionLayer = directory("layers/extension");
        Path extension = write(extensionLayer, "extensions/my-ext", """
                #!/usr/bin/python3
                import http.client, json, os, tempfile, time
                host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
                api = http.client.HTTPConnection(host, int(port))
                time.sleep(1)  # Init must wait for this extension
                api.request("POST", "/2020-01-01/extension/register", json.dumps({"events": ["INVOKE", "SHUTDOWN"]}),
                            {"Lambda-Extension-Name": "my-ext"})
                r = api.getresponse()
                registered = json.loads(r.read())
                ext_id = r.getheader("Lambda-Extension-Identifier")
                print("EXT REGISTERED " + json.dumps(registered), flush=True)
                with open(os.path.join(tempfile.gettempdir(), "ext-ready"), "w") as f:
                    f.write(ext_id)
                while True:
                    api.request("GET", "/2020-01-01/extension/event/next", headers={"Lambda-Extension-Identifier": ext_id})
                    r = api.getresponse()
                    event = json.loads(r.read())
                    print("EXT EVENT " + json.dumps(event), flush=True)
                    if event["eventType"] == "SHUTDOWN":
                        break
                    time.sleep(1)  # post-processing: the invocation is not over until the next /event/next
                """);
        Files.setPosixFilePermissions(extension, PosixFilePermissions.fromString("rwxr-xr-x"));
        code = directory("functions/python");
        write(code, "app.py", """
                import http.client, json, os, tempfile
                def handler(event, context):
                    ready = os.path.join(tempfile.gettempdir(), "ext-ready")
                    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
                    api = http.client.HTTPConnection(host, int(port))
                    api.request("POST", "/2020-01-01/extension/register", json.dumps({"events": []}),
                                {"Lambda-Extension-Name": "late"})
                    r = api.getresponse()
                    late = {"status": r.status, "body": json.loads(r.read())}
                    api.request("GET", "/2020-01-01/extension/event/next", headers={"Lambda-Extension-Identifier": "nobody"})
                    r = api.getresponse()
                    unknown = {"status": r.status, "body": json.loads(r.read())}
                    return {"extensionReadyAtInvoke": os.path.exists(ready), "late": late, "unknown": unknown}
                """);
        prepareTelemetry();
    }

    /** A layer whose extension subscribes to platform and function telemetry and prints what it receives. */
    private static void prepareTelemetry() throws IOException {
        telemetryLayer = directory("layers/telemetry");
        Path extension = write(telemetryLayer, "extensions/telemetry-ext", """
                #!/usr/bin/python3
                import http.client, http.server, json, os, threading
                class Listener(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                        for event in batch:
                            if event["type"] != "function" or "FROM-HANDLER" in event["record"] or "EXT-LINE" in event["record"]:
                                print("TELEMETRY " + json.dumps(event), flush=True)
                        self.send_response(200)
                        self.end_headers()
                    def log_message(self, *args):
                        pass
                server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
                api = http.client.HTTPConnection(host, int(port))
                api.request("POST", "/2020-01-01/extension/register", json.dumps({"events": ["INVOKE"]}),
                            {"Lambda-Extension-Name": "telemetry-ext"})
                r = api.getresponse()
                r.read()
                ext_id = r.getheader("Lambda-Extension-Identifier")
                subscription = {"schemaVersion": "2022-12-13", "types": ["platform", "function"],
                                "buffering": {"maxItems": 1000, "maxBytes": 262144, "timeoutMs": 25},
                                "destination": {"protocol": "HTTP", "URI": "http://sandbox.localdomain:%d/telemetry" % server.server_port}}
                api.request("PUT", "/2022-07-01/telemetry", json.dumps(subscription), {"Lambda-Extension-Identifier": ext_id})
                r = api.getresponse()
                print("EXT-LINE subscribed %d %s" % (r.status, r.read().decode()), flush=True)
                while True:
                    api.request("GET", "/2020-01-01/extension/event/next", headers={"Lambda-Extension-Identifier": ext_id})
                    api.getresponse().read()
                """);
        Files.setPosixFilePermissions(extension, PosixFilePermissions.fromString("rwxr-xr-x"));
        printingCode = directory("functions/printing");
        write(printingCode, "app.py", """
                def handler(event, context):
                    print("FROM-HANDLER hello", flush=True)
                    return {"ok": True}
                """);
    }

    @AfterAll
    static void close() {
        process.close();
        namespace.close();
    }

    private static Path directory(String relative) throws IOException {
        Path dir = Files.createDirectories(root.resolve(relative));
        TestFunctions.openUp(dir);
        return dir;
    }

    private static Path write(Path dir, String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        TestFunctions.openUp(file.getParent());
        return file;
    }

    private static SandboxBackend backend(String name) {
        SandboxBackend backend = name.equals("namespace") ? namespace : process;
        assumeThat(backend.probe().usable()).as("%s backend usable here: %s", name, backend.probe()).isTrue();
        return backend;
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "namespace"})
    void anExternalExtensionTakesPartInInitInvokeAndShutdown(String backendName) throws Exception {
        RecordingLogSink logs = new RecordingLogSink();
        Path workDir = directory("work-" + backendName);
        FunctionRevision f = new FunctionRevision(AccountContext.DEFAULT, "ext-fn", "$LATEST",
                AccountContext.DEFAULT.functionArn("ext-fn"), "rev-1", "python3.12", "app.handler", 128, 30, 512, Map.of(),
                code, "sha", false, TracingMode.PASS_THROUGH, List.of(extensionLayer));
        String group = PlatformLog.logGroup("ext-fn");
        try (Worker worker = new Worker(backend(backendName), runtimes, logs, WorkerConfig.defaults(workDir),
                new ManualClock())) {
            InvocationRequest firstRequest = request(f, "{}", true);
            InvocationResult first = worker.invoke(f, firstRequest);

            assertThat(first.functionError()).as(() -> new String(first.payload())).isEmpty();
            JsonNode answer = JSON.readTree(first.payload());
            assertThat(answer.get("extensionReadyAtInvoke").asBoolean()).as("Init waited for the extension").isTrue();
            assertThat(answer.at("/late/status").asInt()).isEqualTo(403);
            assertThat(answer.at("/late/body/errorType").asText()).isEqualTo("Extension.RegistrationClosed");
            assertThat(answer.at("/unknown/status").asInt()).isEqualTo(403);
            assertThat(answer.at("/unknown/body/errorType").asText()).isEqualTo("Extension.UnknownExtensionIdentifier");
            String report = first.logTail().orElseThrow().lines().filter(l -> l.startsWith("REPORT")).findFirst().orElseThrow();
            assertThat(millis(report, "Billed Duration") - millis(report, "Duration"))
                    .as("the extension's second of post-processing is billed, not in Duration: %s", report)
                    .isGreaterThanOrEqualTo(900);

            await().atMost(Duration.ofSeconds(30)).until(() -> events(logs, group).size() >= 1);
            JsonNode registered = JSON.readTree(logs.messages(group).stream().filter(m -> m.startsWith("EXT REGISTERED "))
                    .findFirst().orElseThrow().substring("EXT REGISTERED ".length()));
            assertThat(registered.get("functionName").asText()).isEqualTo("ext-fn");
            assertThat(registered.get("functionVersion").asText()).isEqualTo("$LATEST");
            assertThat(registered.get("handler").asText()).isEqualTo("app.handler");
            JsonNode invoke = events(logs, group).getFirst();
            assertThat(invoke.get("eventType").asText()).isEqualTo("INVOKE");
            assertThat(invoke.get("requestId").asText()).isEqualTo(firstRequest.requestId());
            assertThat(invoke.get("invokedFunctionArn").asText()).isEqualTo(f.functionArn());
            assertThat(invoke.get("deadlineMs").asLong()).isPositive();
            assertThat(invoke.at("/tracing/type").asText()).isEqualTo("X-Amzn-Trace-Id");
            assertThat(invoke.at("/tracing/value").asText()).startsWith("Root=");

            InvocationResult second = worker.invoke(f, request(f, "{}"));
            assertThat(second.functionError()).isEmpty();
            assertThat(worker.metrics().coldStarts()).as("the warm sandbox served again once the extension was done")
                    .isEqualTo(1);

            worker.retire(f.unqualifiedArn());

            await().atMost(Duration.ofSeconds(30)).until(() -> events(logs, group).stream()
                    .anyMatch(e -> e.get("eventType").asText().equals("SHUTDOWN")));
            JsonNode shutdown = events(logs, group).getLast();
            assertThat(shutdown.get("shutdownReason").asText()).isEqualTo("spindown");
            assertThat(shutdown.get("deadlineMs").asLong()).isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.sandboxes().isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "namespace"})
    void anExtensionReceivesPlatformEventsAndFunctionLinesAtItsListenerInsideTheSandbox(String backendName) throws Exception {
        RecordingLogSink logs = new RecordingLogSink();
        Path workDir = directory("work-telemetry-" + backendName);
        FunctionRevision f = new FunctionRevision(AccountContext.DEFAULT, "telemetry-fn", "$LATEST",
                AccountContext.DEFAULT.functionArn("telemetry-fn"), "rev-1", "python3.12", "app.handler", 128, 30, 512,
                Map.of(), printingCode, "sha", false, TracingMode.PASS_THROUGH, List.of(telemetryLayer));
        String group = PlatformLog.logGroup("telemetry-fn");
        try (Worker worker = new Worker(backend(backendName), runtimes, logs, WorkerConfig.defaults(workDir),
                new ManualClock())) {
            InvocationRequest invocation = request(f, "{}");
            InvocationResult result = worker.invoke(f, invocation);
            assertThat(result.functionError()).as(() -> new String(result.payload())).isEmpty();

            await().atMost(Duration.ofSeconds(30)).until(() -> telemetry(logs, group).stream()
                    .anyMatch(e -> e.get("type").asText().equals("platform.report")));
            List<JsonNode> events = telemetry(logs, group);
            assertThat(logs.messages(group)).contains("EXT-LINE subscribed 200 \"OK\"");
            assertThat(events).extracting(e -> e.get("type").asText()).containsSubsequence("platform.initStart",
                    "platform.initRuntimeDone", "platform.initReport", "platform.start", "platform.runtimeDone",
                    "platform.report");
            JsonNode initStart = only(events, "platform.initStart");
            assertThat(initStart.at("/record/initializationType").asText()).isEqualTo("on-demand");
            assertThat(initStart.at("/record/phase").asText()).isEqualTo("init");
            assertThat(initStart.at("/record/functionName").asText()).isEqualTo("telemetry-fn");
            assertThat(only(events, "platform.start").at("/record/requestId").asText()).isEqualTo(invocation.requestId());
            JsonNode runtimeDone = only(events, "platform.runtimeDone").get("record");
            assertThat(runtimeDone.get("status").asText()).isEqualTo("success");
            assertThat(runtimeDone.at("/metrics/durationMs").isNumber()).isTrue();
            assertThat(runtimeDone.at("/metrics/producedBytes").asLong()).isEqualTo(result.payload().length);
            JsonNode report = only(events, "platform.report").get("record");
            assertThat(report.get("requestId").asText()).isEqualTo(invocation.requestId());
            assertThat(report.at("/metrics/memorySizeMB").asInt()).isEqualTo(128);
            assertThat(report.at("/metrics/billedDurationMs").asLong()).isPositive();
            assertThat(report.at("/metrics/initDurationMs").isNumber()).isTrue();
            assertThat(report.at("/metrics/maxMemoryUsedMB").isNumber()).isTrue();
            assertThat(report.at("/metrics/durationMs").isNumber()).isTrue();
            assertThat(events).filteredOn(e -> e.get("type").asText().equals("function"))
                    .extracting(e -> e.get("record").asText())
                    .as("the handler's line is a function line; the extension's own lines are not")
                    .containsExactly("FROM-HANDLER hello");
        }
    }

    private static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> matching = events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
        assertThat(matching).as(type).hasSize(1);
        return matching.getFirst();
    }

    private static List<JsonNode> telemetry(RecordingLogSink logs, String group) {
        return logs.messages(group).stream().filter(m -> m.startsWith("TELEMETRY ")).map(m -> {
            try {
                return JSON.readTree(m.substring("TELEMETRY ".length()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static List<JsonNode> events(RecordingLogSink logs, String group) {
        return logs.messages(group).stream().filter(m -> m.startsWith("EXT EVENT ")).map(m -> {
            try {
                return JSON.readTree(m.substring("EXT EVENT ".length()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static double millis(String report, String field) {
        Matcher m = Pattern.compile("\t" + field + ": ([0-9.]+) ms").matcher(report);
        assertThat(m.find()).as("%s in %s", field, report).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
