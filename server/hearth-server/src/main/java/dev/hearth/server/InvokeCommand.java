package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.frontend.EventStreamMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;

/**
 * {@code hearth invoke NAME}: invokes a function and prints its response on stdout. A function error
 * goes to stderr with exit status 1; an API error with status 2. With {@code --stream} the response
 * is streamed (InvokeWithResponseStream) and printed chunk by chunk as it arrives.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true, description = "Invoke a function and print its response.")
final class InvokeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "Function name or ARN, optionally with :QUALIFIER.")
    String function;

    @Option(names = "--payload", defaultValue = "{}", description = "The event, as JSON (default ${DEFAULT-VALUE}).")
    String payload;

    @Option(names = "--qualifier", description = "Version or alias to invoke.")
    String qualifier;

    @Option(names = "--event", description = "Invoke asynchronously (InvocationType Event).")
    boolean event;

    @Option(names = "--log", description = "Print the last 4 KB of the invocation's log on stderr.")
    boolean log;

    @Option(names = "--stream", description = "Invoke with response streaming (InvokeWithResponseStream) and print "
            + "the response's chunks as they arrive.")
    boolean stream;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (stream) {
            if (event) {
                System.err.println("--stream and --event exclude each other: a streamed invocation is synchronous.");
                return 2;
            }
            return streamed();
        }
        try (LambdaClient lambda = client.lambda()) {
            InvokeResponse response = lambda.invoke(r -> r.functionName(function).qualifier(qualifier)
                    .payload(SdkBytes.fromUtf8String(payload))
                    .invocationType(event ? InvocationType.EVENT : InvocationType.REQUEST_RESPONSE)
                    .logType(log && !event ? LogType.TAIL : LogType.NONE));
            if (response.logResult() != null) {
                System.err.print(new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8));
            }
            if (event) {
                System.err.println("Accepted (" + response.statusCode() + ")");
                return 0;
            }
            String body = response.payload() == null ? "" : response.payload().asUtf8String();
            if (response.functionError() != null) {
                System.err.println("Function error (" + response.functionError() + "), version " + response.executedVersion() + ":");
                System.err.println(body);
                return 1;
            }
            System.out.println(body);
            return 0;
        } catch (LambdaException e) {
            System.err.println(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            return 2;
        }
    }

    /**
     * InvokeWithResponseStream: each {@code PayloadChunk} is written to stdout (and flushed) as it
     * arrives; the {@code InvokeComplete} event's log tail and error go to stderr.
     */
    private int streamed() throws IOException, InterruptedException {
        String path = "/2021-11-15/functions/" + pathSegment(function) + "/response-streaming-invocations"
                + (qualifier == null ? "" : "?Qualifier=" + pathSegment(qualifier));
        HttpResponse<InputStream> response = HearthApiRequest.stream(client, "POST", path,
                log ? Map.of("X-Amz-Log-Type", "Tail") : Map.of(), payload.getBytes(StandardCharsets.UTF_8));
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                JsonNode error = readJson(body.readAllBytes());
                String type = response.headers().firstValue("x-amzn-ErrorType").orElse("Error").split(":")[0];
                System.err.println(type + ": " + error.path(error.has("Message") ? "Message" : "message").asText(""));
                return 2;
            }
            for (Optional<EventStreamMessage> next; (next = EventStreamMessage.read(body)).isPresent(); ) {
                EventStreamMessage message = next.get();
                String type = message.headers().getOrDefault(":event-type", "");
                if (type.equals("PayloadChunk")) {
                    System.out.write(message.payload());
                    System.out.flush();
                } else if (type.equals("InvokeComplete")) {
                    JsonNode complete = readJson(message.payload());
                    if (complete.hasNonNull("LogResult")) {
                        System.err.print(new String(Base64.getDecoder().decode(complete.get("LogResult").asText()),
                                StandardCharsets.UTF_8));
                    }
                    if (complete.hasNonNull("ErrorCode")) {
                        System.out.flush();
                        System.err.println("Function error (" + complete.get("ErrorCode").asText() + "): "
                                + complete.path("ErrorDetails").asText(""));
                        return 1;
                    }
                    return 0;
                }
            }
        }
        System.err.println("The response stream ended without its InvokeComplete event.");
        return 1;
    }

    private static String pathSegment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
