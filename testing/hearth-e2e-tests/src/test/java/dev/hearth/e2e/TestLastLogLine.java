package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.e2e.handlers.LoggerHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;

/**
 * A handler's last log output without a trailing newline ({@code print(x, end="")},
 * {@code process.stdout.write}, Java's {@code LambdaLogger.log}) is in that invocation's log tail as
 * a line of its own, before {@code END}, as on Lambda; through the AWS SDK for Java v2.
 */
final class TestLastLogLine {
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
    void pythonsPrintWithoutNewlineEndsTheTailBeforeEnd() {
        lambda.createFunction(HearthTestServer.pythonFunction("py-partial", HearthTestServer.pythonZip("""
                import sys
                def handler(event, context):
                    print("first", end="")
                    print(" and more", end="")
                    sys.stdout.write(event["text"])
                    return "done"
                """)).timeout(60).build());

        InvokeResponse first = invoke("py-partial", "{\"text\":\" one\"}");
        InvokeResponse second = invoke("py-partial", "{\"text\":\" two\"}");

        assertThat(tail(first)).contains("\nfirst and more one\nEND RequestId: " + first.responseMetadata().requestId());
        assertThat(tail(second)).contains("\nfirst and more two\nEND RequestId: " + second.responseMetadata().requestId())
                .doesNotContain("one");
    }

    @Test
    void nodesProcessStdoutWriteEndsTheTailBeforeEnd() {
        byte[] zip = HearthTestServer.zip(Map.of("index.js",
                "exports.handler = async (event) => { process.stdout.write('node ' + event.text); return 'done'; };\n"));
        lambda.createFunction(CreateFunctionRequest.builder().functionName("node-partial").runtime("nodejs22.x")
                .handler("index.handler").role(HearthTestServer.ROLE).timeout(60)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(zip)).build()).build());

        InvokeResponse response = invoke("node-partial", "{\"text\":\"no newline\"}");

        assertThat(tail(response)).contains("\nnode no newline\nEND RequestId: " + response.responseMetadata().requestId());
    }

    @Test
    void javasLambdaLoggerLogEndsTheTailBeforeEnd() throws IOException {
        lambda.createFunction(CreateFunctionRequest.builder().functionName("java-logger").runtime("java21")
                .handler(LoggerHandler.class.getName() + "::handleRequest").role(HearthTestServer.ROLE).memorySize(512)
                .timeout(60).code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(classZip(LoggerHandler.class))).build())
                .build());

        InvokeResponse first = invoke("java-logger", "{\"text\":\"java no newline\"}");
        InvokeResponse second = invoke("java-logger", "{\"text\":\"warm and unterminated\"}");

        assertThat(tail(first)).contains("a whole line\njava no newline\nEND RequestId: "
                + first.responseMetadata().requestId());
        assertThat(tail(second)).contains("a whole line\nwarm and unterminated\nEND RequestId: "
                + second.responseMetadata().requestId());
    }

    private static InvokeResponse invoke(String function, String payload) {
        return lambda.invoke(r -> r.functionName(function).logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(payload)));
    }

    private static String tail(InvokeResponse response) {
        assertThat(response.functionError()).isNull();
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }

    /** A package holding one handler class. */
    private static byte[] classZip(Class<?> handler) throws IOException {
        String classFile = handler.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (InputStream in = handler.getClassLoader().getResourceAsStream(classFile);
                ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry(classFile));
            in.transferTo(out);
            out.closeEntry();
        }
        return zip.toByteArray();
    }
}
