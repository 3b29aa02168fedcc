package dev.hearth.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * goes to stderr with exit status 1; an API error with status 2.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true, description = "Invoke a function and print its response.")
final class InvokeCommand implements Callable<Integer> {
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

    @Override
    public Integer call() {
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
}
