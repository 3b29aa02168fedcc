package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.e2e.handlers.EchoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;

/** Invocations through the AWS SDK for Java v2: every runtime, warm reuse, Lambda's failure answers. */
final class TestInvoke {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HearthTestServer server;
    private static LambdaClient lambda;

    private static final String COUNTER = """
            import os, time, uuid
            SANDBOX = str(uuid.uuid4())
            count = 0
            def handler(event, context):
                global count
                count += 1
                if event.get("sleep"):
                    time.sleep(event["sleep"])
                if event.get("exit"):
                    os._exit(event["exit"])
                if event.get("fail"):
                    raise ValueError("asked to fail: " + event["fail"])
                if event.get("big"):
                    return "x" * event["big"]
                print("handling", context.aws_request_id)
                return {"count": count, "sandbox": SANDBOX, "function": context.function_name,
                        "version": context.function_version, "event": event}
            """;

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
    void pythonRoundTripWithWarmReuseAndInitDurationOnlyWhenCold() throws Exception {
        lambda.createFunction(pythonFunction("py-counter", pythonZip(COUNTER)).build());
        InvokeResponse first = invoke("py-counter", "{\"name\":\"a\"}", true);
        InvokeResponse second = invoke("py-counter", "{\"name\":\"b\"}", true);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.functionError()).isNull();
        assertThat(first.executedVersion()).isEqualTo("$LATEST");
        JsonNode a = json(first);
        JsonNode b = json(second);
        assertThat(a.path("event").path("name").asText()).isEqualTo("a");
        assertThat(a.path("function").asText()).isEqualTo("py-counter");
        assertThat(a.path("count").asInt()).isEqualTo(1);
        assertThat(b.path("count").asInt()).as("warm sandbox reused").isEqualTo(2);
        assertThat(b.path("sandbox").asText()).isEqualTo(a.path("sandbox").asText());

        String firstLog = log(first);
        assertThat(firstLog).contains("START RequestId: ").contains("END RequestId: ").contains("REPORT RequestId: ")
                .contains("handling").contains("Init Duration");
        assertThat(log(second)).contains("REPORT RequestId: ").doesNotContain("Init Duration");

        lambda.updateFunctionConfiguration(r -> r.functionName("py-counter").description("touch"));
        assertThat(json(invoke("py-counter", "{}", false)).path("count").asInt()).as("new sandbox after an update").isEqualTo(1);
    }

    @Test
    void updateFunctionCodeIsVisibleOnTheNextInvocation() throws Exception {
        lambda.createFunction(pythonFunction("py-update", pythonZip("def handler(e, c):\n    return 'old'\n")).build());
        assertThat(payload(invoke("py-update", "{}", false))).isEqualTo("\"old\"");
        lambda.updateFunctionCode(r -> r.functionName("py-update")
                .zipFile(SdkBytes.fromByteArray(pythonZip("def handler(e, c):\n    return 'new'\n"))));
        assertThat(payload(invoke("py-update", "{}", false))).isEqualTo("\"new\"");
    }

    @Test
    void nodeHandlersAsyncCallbackAndEsModule() throws Exception {
        byte[] zip = HearthTestServer.zip(Map.of(
                "index.js", "let n = 0;\nexports.handler = async (event, context) => ({ n: ++n, got: event.x, fn: context.functionName });\n",
                "cb.js", "exports.handler = (event, context, callback) => callback(null, { callback: true, x: event.x });\n",
                "esm.mjs", "export const handler = async (event) => ({ esm: true, x: event.x });\n"));
        for (String handler : List.of("index.handler", "cb.handler", "esm.handler")) {
            String name = "node-" + handler.substring(0, handler.indexOf('.'));
            lambda.createFunction(CreateFunctionRequest.builder().functionName(name).runtime("nodejs22.x").handler(handler)
                    .role(HearthTestServer.ROLE).code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(zip)).build()).build());
        }
        JsonNode async = json(invoke("node-index", "{\"x\":1}", false));
        assertThat(async.path("got").asInt()).isEqualTo(1);
        assertThat(async.path("fn").asText()).isEqualTo("node-index");
        assertThat(json(invoke("node-index", "{\"x\":1}", false)).path("n").asInt()).isEqualTo(2);
        assertThat(json(invoke("node-cb", "{\"x\":2}", false)).path("callback").asBoolean()).isTrue();
        assertThat(json(invoke("node-esm", "{\"x\":3}", false)).path("esm").asBoolean()).isTrue();
    }

    @Test
    void javaHandlerRunsOnTheOfficialRuntimeInterfaceClient() throws Exception {
        String classFile = EchoHandler.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = EchoHandler.class.getClassLoader().getResourceAsStream(classFile)) {
            bytes = in.readAllBytes();
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry(classFile));
            out.write(bytes);
            out.closeEntry();
        }
        lambda.createFunction(CreateFunctionRequest.builder().functionName("java-echo").runtime("java21")
                .handler(EchoHandler.class.getName() + "::handleRequest").role(HearthTestServer.ROLE).memorySize(512).timeout(30)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(zip.toByteArray())).build()).build());
        JsonNode first = json(invoke("java-echo", "{\"k\":\"v\"}", false));
        assertThat(first.path("echo").path("k").asText()).isEqualTo("v");
        assertThat(first.path("function").asText()).isEqualTo("java-echo");
        assertThat(json(invoke("java-echo", "{}", false)).path("count").asInt()).isEqualTo(2);
    }

    @Test
    void providedRuntimeRunsThePackagesOwnBootstrap() throws Exception {
        String bootstrap = """
                #!/bin/sh
                set -eu
                while true; do
                  headers=$(mktemp)
                  body=$(curl -sS -D "$headers" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next")
                  id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | cut -d' ' -f2 | tr -d '\\r')
                  curl -sS -X POST -d "{\\"shell\\":true,\\"got\\":$body}" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$id/response" >/dev/null
                done
                """;
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            ZipArchiveEntry entry = new ZipArchiveEntry("bootstrap");
            entry.setUnixMode(0100755);
            out.putArchiveEntry(entry);
            out.write(bootstrap.getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        // each event costs the script several processes (grep, cut, tr, curl): a timeout with room for a loaded machine
        lambda.createFunction(CreateFunctionRequest.builder().functionName("shell").runtime("provided.al2023").handler("none")
                .timeout(30).role(HearthTestServer.ROLE).code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(zip.toByteArray())).build()).build());
        JsonNode result = json(invoke("shell", "{\"a\":1}", false));
        assertThat(result.path("shell").asBoolean()).isTrue();
        assertThat(result.path("got").path("a").asInt()).isEqualTo(1);
    }

    @Test
    void failuresGetLambdasAnswersAndTheNextInvocationWorks() throws Exception {
        // a timeout far beyond what these cases need: each must fail for its own cause (an exception, an
        // exit, a response too big to return), never because a loaded machine was slow; timeouts have
        // their own test below
        lambda.createFunction(pythonFunction("py-fail", pythonZip(COUNTER)).timeout(60).build());

        InvokeResponse unhandled = invoke("py-fail", "{\"fail\":\"boom\"}", false);
        assertThat(unhandled.functionError()).isEqualTo("Unhandled");
        assertThat(json(unhandled).path("errorType").asText()).isEqualTo("ValueError");
        assertThat(json(unhandled).path("errorMessage").asText()).isEqualTo("asked to fail: boom");
        assertThat(json(unhandled).path("stackTrace").isArray()).isTrue();
        assertThat(json(invoke("py-fail", "{}", false)).path("count").asInt()).as("survives an exception").isEqualTo(2);

        InvokeResponse crashed = invoke("py-fail", "{\"exit\":3}", false);
        assertThat(crashed.functionError()).isEqualTo("Unhandled");
        assertThat(json(crashed).path("errorType").asText()).isEqualTo("Runtime.ExitError");
        assertThat(json(crashed).path("errorMessage").asText()).contains("exit status 3");
        assertThat(json(invoke("py-fail", "{}", false)).path("count").asInt()).isEqualTo(1);

        InvokeResponse tooBig = invoke("py-fail", "{\"big\":7000000}", false);
        assertThat(tooBig.functionError()).isEqualTo("Unhandled");
        assertThat(json(tooBig).path("errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(json(invoke("py-fail", "{}", false)).path("count").asInt()).isPositive();

        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("py-fail")
                .payload(SdkBytes.fromUtf8String("{\"pad\":\"" + "x".repeat(6 * 1024 * 1024) + "\"}"))))
                .isInstanceOf(LambdaException.class)
                .satisfies(e -> assertThat(((LambdaException) e).statusCode()).isEqualTo(413));
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("py-fail").payload(SdkBytes.fromUtf8String("{not json"))))
                .isInstanceOf(LambdaException.class)
                .satisfies(e -> assertThat(((LambdaException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidRequestContentException"));
    }

    @Test
    void aTimeoutAnswersLambdasErrorAndANewSandboxServesTheNextInvocation() throws Exception {
        // the handler sleeps 20 times the timeout: it can only end by timing out, however slow the machine;
        // the timeout leaves seconds for the invocation after it, which does nothing
        lambda.createFunction(pythonFunction("py-slow", pythonZip(COUNTER)).timeout(3).build());

        InvokeResponse timedOut = invoke("py-slow", "{\"sleep\":60}", true);
        assertThat(timedOut.functionError()).isEqualTo("Unhandled");
        assertThat(json(timedOut).path("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(payload(timedOut)).contains("Task timed out after 3.00 seconds");
        assertThat(log(timedOut)).contains("Task timed out after 3.00 seconds");
        assertThat(json(invoke("py-slow", "{}", false)).path("count").asInt()).as("new sandbox after a timeout").isEqualTo(1);
    }

    @Test
    void initErrorIsReportedAsLambdaDoes() throws Exception {
        lambda.createFunction(pythonFunction("py-init", pythonZip("import not_a_module\ndef handler(e, c):\n    return 1\n")).build());
        InvokeResponse response = invoke("py-init", "{}", false);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(json(response).path("errorType").asText()).isEqualTo("Runtime.ImportModuleError");
        assertThat(json(response).path("errorMessage").asText()).contains("Unable to import module 'app'");
        lambda.updateFunctionCode(r -> r.functionName("py-init")
                .zipFile(SdkBytes.fromByteArray(pythonZip("def handler(e, c):\n    return 'fixed'\n"))));
        assertThat(payload(invoke("py-init", "{}", false))).isEqualTo("\"fixed\"");
    }

    @Test
    void parallelInvocationsGetSeparateSandboxesAndFunctionsNeverShare() throws Exception {
        lambda.createFunction(pythonFunction("py-par", pythonZip(COUNTER)).timeout(60).build());
        lambda.createFunction(pythonFunction("py-other", pythonZip(COUNTER)).build());
        List<String> sandboxes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // each holds its sandbox for seconds, so that all three are in flight together even when
                // a loaded machine starts their requests or sandboxes far apart
                running.add(pool.submit(() -> json(invoke("py-par", "{\"sleep\":5}", false))));
            }
            for (Future<JsonNode> f : running) {
                sandboxes.add(f.get().path("sandbox").asText());
            }
        }
        assertThat(sandboxes).doesNotHaveDuplicates().hasSize(3);
        String other = json(invoke("py-other", "{}", false)).path("sandbox").asText();
        assertThat(sandboxes).doesNotContain(other);
    }

    @Test
    void qualifiersAliasesAndDryRun() throws Exception {
        lambda.createFunction(pythonFunction("py-q", pythonZip("def handler(e, c):\n    return c.function_version\n")).publish(true).build());
        lambda.updateFunctionCode(r -> r.functionName("py-q")
                .zipFile(SdkBytes.fromByteArray(pythonZip("def handler(e, c):\n    return 'latest ' + c.function_version\n"))));
        lambda.createAlias(r -> r.functionName("py-q").name("live").functionVersion("1"));

        InvokeResponse viaAlias = lambda.invoke(r -> r.functionName("py-q").qualifier("live").payload(SdkBytes.fromUtf8String("{}")));
        assertThat(viaAlias.executedVersion()).isEqualTo("1");
        assertThat(viaAlias.payload().asUtf8String()).isEqualTo("\"1\"");
        InvokeResponse viaArn = lambda.invoke(r -> r.functionName("arn:aws:lambda:us-east-1:000000000000:function:py-q:1")
                .payload(SdkBytes.fromUtf8String("{}")));
        assertThat(viaArn.executedVersion()).isEqualTo("1");
        assertThat(payload(invoke("py-q", "{}", false))).isEqualTo("\"latest $LATEST\"");

        InvokeResponse dryRun = lambda.invoke(r -> r.functionName("py-q").invocationType(InvocationType.DRY_RUN));
        assertThat(dryRun.statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("py-q").qualifier("nope")))
                .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    }

    private static InvokeResponse invoke(String function, String payload, boolean tail) {
        return lambda.invoke(r -> r.functionName(function).payload(SdkBytes.fromUtf8String(payload))
                .logType(tail ? LogType.TAIL : LogType.NONE));
    }

    private static String payload(InvokeResponse response) {
        return response.payload().asUtf8String();
    }

    private static JsonNode json(InvokeResponse response) throws IOException {
        return JSON.readTree(payload(response));
    }

    private static String log(InvokeResponse response) {
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }
}
