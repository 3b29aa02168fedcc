package dev.hearth.e2e.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A Lambda handler on aws-lambda-java-core, packaged by the tests and run by AWS's runtime client in Hearth. */
public final class EchoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static int invocations;

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        invocations++;
        return Map.of("echo", event, "function", context.getFunctionName(), "count", invocations,
                "requestId", context.getAwsRequestId());
    }
}
