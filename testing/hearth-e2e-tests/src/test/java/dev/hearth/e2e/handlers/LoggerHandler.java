package dev.hearth.e2e.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * Logs through the runtime's {@code LambdaLogger}, its last message without a newline, as Java
 * handlers commonly do; packaged by the tests and run by AWS's runtime interface client in Hearth.
 */
public final class LoggerHandler implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        context.getLogger().log("a whole line\n");
        context.getLogger().log(String.valueOf(event.get("text")));
        return "logged";
    }
}
