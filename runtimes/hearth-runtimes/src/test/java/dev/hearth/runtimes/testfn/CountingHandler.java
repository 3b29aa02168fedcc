package dev.hearth.runtimes.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Echoes its event with context fields and a count of invocations in this JVM (warm reuse). */
public final class CountingHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final AtomicInteger INVOCATIONS = new AtomicInteger();

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        context.getLogger().log("handling " + event.get("name"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("event", event);
        result.put("invocations", INVOCATIONS.incrementAndGet());
        result.put("requestId", context.getAwsRequestId());
        result.put("functionName", context.getFunctionName());
        result.put("invokedFunctionArn", context.getInvokedFunctionArn());
        result.put("memoryLimitInMB", context.getMemoryLimitInMB());
        result.put("remainingMillis", context.getRemainingTimeInMillis());
        result.put("clientCustom", context.getClientContext() == null ? null : context.getClientContext().getCustom());
        return result;
    }
}
