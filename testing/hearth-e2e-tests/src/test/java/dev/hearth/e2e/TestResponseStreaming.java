package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.hearth.worker.StreamingLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.InvokeMode;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamCompleteEvent;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamRequest;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * InvokeWithResponseStream end to end, with a node handler wrapped in {@code
 * awslambda.streamifyResponse}: it writes "first", then waits until a file exists before it writes
 * "second". Each client (the AWS SDK for Java v2, boto3, {@code hearth invoke --stream}) creates that
 * file only once it has received "first", so a client that got the chunks only at the end would never
 * see the function finish. Also: an error after the first chunk reaches the client as {@code
 * InvokeComplete}'s {@code ErrorCode}, and a 50 MB stream passes without the server holding it. A
 * {@code RESPONSE_STREAM} function URL streams to curl the same way, its head from the function's
 * {@code HttpResponseStream.from} prelude.
 */
final class TestResponseStreaming {
    private static final String HANDLER = """
            import fs from 'node:fs';

            export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
              if (event.megabytes) {
                const block = Buffer.alloc(64 * 1024, 120);
                for (let i = 0; i < event.megabytes * 16; i++) {
                  if (!responseStream.write(block)) {
                    await new Promise((resolve) => responseStream.once('drain', resolve));
                  }
                }
                responseStream.end();
                return;
              }
              responseStream.write('first');
              if (event.fail) {
                throw new TypeError('failed after the first chunk');
              }
              while (!fs.existsSync(event.signal)) {
                await new Promise((resolve) => setTimeout(resolve, 20));
              }
              responseStream.write('second');
              responseStream.end();
            });
            """;

    /** A function URL's handler: its answer's head through HttpResponseStream.from, then the same two pieces. */
    private static final String URL_HANDLER = """
            import fs from 'node:fs';

            export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
              const stream = awslambda.HttpResponseStream.from(responseStream, {
                statusCode: 201,
                headers: { 'content-type': 'text/plain', 'x-kind': 'streamed' },
                cookies: ['flavour=oat'],
              });
              stream.write('first');
              const signal = event.queryStringParameters.signal;
              while (!fs.existsSync(signal)) {
                await new Promise((resolve) => setTimeout(resolve, 20));
              }
              stream.write('second');
              stream.end();
            });
            """;

    private static HearthTestServer server;
    private static LambdaClient lambda;
    private static LambdaAsyncClient async;
    private static Path signals;

    @BeforeAll
    static void start() throws Exception {
        // the bandwidth cap raised, so that the 50 MB stream takes seconds rather than 22 s
        server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("process"))
                .withStreaming(StreamingLimits.LAMBDA.withBytesPerSecond(1L << 30)));
        lambda = server.client();
        async = LambdaAsyncClient.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        lambda.createFunction(CreateFunctionRequest.builder().functionName("streamer").runtime("nodejs22.x")
                .handler("index.handler").role(HearthTestServer.ROLE).timeout(60)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(
                        HearthTestServer.zip(Map.of("index.mjs", HANDLER)))).build())
                .build());
        lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("streamer"));
        // function code runs as an unprivileged user: the signal files' directory must be searchable
        signals = Files.createTempDirectory("hearth-stream-signals");
        Files.setPosixFilePermissions(signals, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void stop() throws Exception {
        async.close();
        lambda.close();
        server.close();
    }

    private static Path newSignal(String name) {
        return signals.resolve(name);
    }

    private static void create(Path signal) {
        try {
            Files.createFile(signal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the SDK delivered: the chunks in order, the final event, the executed version. */
    private record Streamed(List<String> chunks, InvokeWithResponseStreamCompleteEvent complete, String executedVersion) {}

    private static Streamed invokeWithSdk(String payload, java.util.function.Consumer<String> onChunk) throws Exception {
        return invokeWithSdk(payload, onChunk, true);
    }

    /** Invokes {@code streamer} with the SDK's async client; {@code keepChunks} false keeps none (a large stream). */
    private static Streamed invokeWithSdk(String payload, java.util.function.Consumer<String> onChunk, boolean keepChunks)
            throws Exception {
        List<String> chunks = new CopyOnWriteArrayList<>();
        AtomicReference<InvokeWithResponseStreamCompleteEvent> complete = new AtomicReference<>();
        AtomicReference<String> version = new AtomicReference<>();
        InvokeWithResponseStreamResponseHandler handler = InvokeWithResponseStreamResponseHandler.builder()
                .onResponse(response -> version.set(response.executedVersion()))
                .subscriber(InvokeWithResponseStreamResponseHandler.Visitor.builder()
                        .onPayloadChunk(chunk -> {
                            String text = chunk.payload().asUtf8String();
                            if (keepChunks) {
                                chunks.add(text);
                            }
                            onChunk.accept(text);
                        })
                        .onInvokeComplete(complete::set)
                        .build())
                .build();
        async.invokeWithResponseStream(InvokeWithResponseStreamRequest.builder().functionName("streamer")
                .logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(payload)).build(), handler)
                .get(120, TimeUnit.SECONDS);
        return new Streamed(chunks, complete.get(), version.get());
    }

    @Test
    void theJavaSdkHoldsTheFirstChunkBeforeTheHandlerWritesTheSecond() throws Exception {
        Path signal = newSignal("sdk");

        Streamed streamed = invokeWithSdk("{\"signal\":\"" + signal + "\"}", chunk -> {
            if (chunk.equals("first")) {
                create(signal);
            }
        });

        assertThat(streamed.chunks()).containsExactly("first", "second");
        assertThat(streamed.executedVersion()).isEqualTo("$LATEST");
        assertThat(streamed.complete().errorCode()).isNull();
        assertThat(new String(java.util.Base64.getDecoder().decode(streamed.complete().logResult()), StandardCharsets.UTF_8))
                .contains("START RequestId: ").contains("REPORT RequestId: ");
    }

    @Test
    void anErrorAfterTheFirstChunkReachesTheSdkAsInvokeComplete() throws Exception {
        Streamed streamed = invokeWithSdk("{\"fail\":true}", chunk -> { });

        assertThat(streamed.chunks()).containsExactly("first");
        assertThat(streamed.complete().errorCode()).isEqualTo("TypeError");
        assertThat(streamed.complete().errorDetails()).isEqualTo("failed after the first chunk");
    }

    @Test
    void aMissingFunctionIsAnErrorBeforeAnyStream() {
        assertThatThrownBy(() -> async.invokeWithResponseStream(InvokeWithResponseStreamRequest.builder()
                        .functionName("no-such-function").payload(SdkBytes.fromUtf8String("{}")).build(),
                InvokeWithResponseStreamResponseHandler.builder()
                        .subscriber(InvokeWithResponseStreamResponseHandler.Visitor.builder().build()).build())
                .get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function");
    }

    @Test
    void boto3HoldsTheFirstChunkBeforeTheHandlerWritesTheSecond() throws Exception {
        Path signal = newSignal("boto3");
        String out = Boto3.run(server.endpoint(), """
                import json, os, pathlib, boto3
                client = boto3.client("lambda", endpoint_url=os.environ["HEARTH"], region_name="us-east-1",
                                      aws_access_key_id="test-key", aws_secret_access_key="test-secret")
                if not hasattr(client, "invoke_with_response_stream"):
                    print("UNSUPPORTED " + boto3.__version__)
                    raise SystemExit(0)
                response = client.invoke_with_response_stream(FunctionName="streamer",
                                                              Payload=json.dumps({"signal": "%s"}))
                print("version", response["ExecutedVersion"])
                for event in response["EventStream"]:
                    if "PayloadChunk" in event:
                        chunk = event["PayloadChunk"]["Payload"].decode()
                        print("chunk", chunk)
                        if chunk == "first":
                            pathlib.Path("%s").touch()
                    if "InvokeComplete" in event:
                        print("complete", json.dumps(event["InvokeComplete"], sort_keys=True))
                failed = client.invoke_with_response_stream(FunctionName="streamer", Payload=b'{"fail": true}')
                for event in failed["EventStream"]:
                    if "InvokeComplete" in event:
                        print("failed", json.dumps(event["InvokeComplete"], sort_keys=True))
                dry = client.invoke_with_response_stream(FunctionName="streamer", InvocationType="DryRun")
                print("dry run", dry["StatusCode"], dry["ExecutedVersion"])
                try:
                    client.invoke_with_response_stream(FunctionName="streamer", InvocationType="Event")
                except client.exceptions.ClientError as e:
                    print("event", e.response["Error"]["Code"], e.response["Error"]["Message"])
                """.formatted(signal, signal));
        assumeThat(out).as("boto3 without InvokeWithResponseStream").doesNotStartWith("UNSUPPORTED");

        assertThat(out.lines().toList()).containsExactly(
                "version $LATEST",
                "chunk first",
                "chunk second",
                "complete {}",
                "failed {\"ErrorCode\": \"TypeError\", \"ErrorDetails\": \"failed after the first chunk\"}",
                "dry run 204 $LATEST",
                "event ValidationException 1 validation error detected: Value 'Event' at 'invocationType' failed to "
                        + "satisfy constraint: Member must satisfy enum value set: [RequestResponse, DryRun]");
    }

    @Test
    void hearthInvokeStreamPrintsTheFirstChunkBeforeTheHandlerWritesTheSecond() throws Exception {
        Path signal = newSignal("cli");
        Process cli = hearthInvoke("{\"signal\":\"" + signal + "\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream stdout = cli.getInputStream()) {
            byte[] buffer = new byte[1024];
            for (int n; (n = stdout.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                if (out.toString(StandardCharsets.UTF_8).equals("first")) {
                    create(signal);
                }
            }
        }
        assertThat(cli.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("firstsecond");
        assertThat(cli.exitValue()).isZero();

        Process failing = hearthInvoke("{\"fail\":true}");
        String printed = new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(failing.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(failing.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).isEqualTo("first");
        assertThat(errors).contains("Function error (TypeError): failed after the first chunk");
        assertThat(failing.exitValue()).isEqualTo(1);
    }

    private static Process hearthInvoke(String payload) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", System.getProperty("hearth.serverJar"), "invoke",
                "--endpoint", server.endpoint(), "--stream", "--payload", payload, "streamer");
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("HEARTH_"));
        return builder.start();
    }

    @Test
    void curlOnAResponseStreamUrlHoldsTheFirstChunkBeforeTheHandlerWritesTheSecond() throws Exception {
        lambda.createFunction(CreateFunctionRequest.builder().functionName("url-streamer").runtime("nodejs22.x")
                .handler("index.handler").role(HearthTestServer.ROLE).timeout(60)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(
                        HearthTestServer.zip(Map.of("index.mjs", URL_HANDLER)))).build())
                .build());
        lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("url-streamer"));
        String url = lambda.createFunctionUrlConfig(r -> r.functionName("url-streamer").authType(FunctionUrlAuthType.NONE)
                .invokeMode(InvokeMode.RESPONSE_STREAM)).functionUrl();
        lambda.addPermission(r -> r.functionName("url-streamer").statementId("public-url")
                .action("lambda:InvokeFunctionUrl").principal("*").functionUrlAuthType(FunctionUrlAuthType.NONE));
        lambda.addPermission(r -> r.functionName("url-streamer").statementId("public-invoke")
                .action("lambda:InvokeFunction").principal("*").invokedViaFunctionUrl(true));
        Path signal = newSignal("curl");

        Process curl = new ProcessBuilder("curl", "-sS", "-N", "-i", "--max-time", "120", url + "?signal=" + signal).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream stdout = curl.getInputStream()) {
            byte[] buffer = new byte[1024];
            for (int n; (n = stdout.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                if (out.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\nfirst")) {
                    create(signal);
                }
            }
        }
        assertThat(curl.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String answer = out.toString(StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 201").endsWith("\r\n\r\nfirstsecond");
        assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("content-type: text/plain\r\n")
                .contains("x-kind: streamed\r\n").contains("set-cookie: flavour=oat\r\n")
                .contains("transfer-encoding: chunked\r\n");
    }

    @Test
    void fiftyMegabytesStreamThroughWithoutTheServerHoldingThem() throws Exception {
        long total = 50L * 1024 * 1024;
        AtomicLong received = new AtomicLong();
        AtomicLong heapGrowth = new AtomicLong(-1);
        long baseline = usedHeapAfterGc();

        Streamed streamed = invokeWithSdk("{\"megabytes\":50}", chunk -> {
            // 40 MB in, the whole stream held anywhere in this JVM (the server runs here) would show
            if (received.addAndGet(chunk.length()) >= 40L * 1024 * 1024 && heapGrowth.get() < 0) {
                heapGrowth.set(usedHeapAfterGc() - baseline);
            }
        }, false);

        assertThat(received.get()).isEqualTo(total);
        assertThat(streamed.complete().errorCode()).isNull();
        assertThat(heapGrowth.get()).as("heap growth with 40 MB streamed (bytes)").isBetween(Long.MIN_VALUE, 24L * 1024 * 1024);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
