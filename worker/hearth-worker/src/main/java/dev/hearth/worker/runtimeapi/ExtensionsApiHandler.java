package dev.hearth.worker.runtimeapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The protocol of Lambda's Extensions API: paths, headers and the register body, answered with
 * Lambda's status codes and error types (those of Lambda's own runtime interface emulator). What an
 * extension may do is the {@link ExtensionsApi}'s decision. Stateless; blocking.
 */
final class ExtensionsApiHandler {
    static final String PREFIX = "/2020-01-01/extension/";
    private static final String NAME = "Lambda-Extension-Name";
    private static final String FEATURES = "Lambda-Extension-Accept-Feature";
    private static final String ERROR_TYPE = "Lambda-Extension-Function-Error-Type";
    /** The largest register body read: a list of at most two event names. */
    private static final int MAX_REGISTER_BYTES = 64 * 1024;
    private static final Pattern BODY = Pattern.compile("\\A\\s*\\{\\s*(?:\"events\"\\s*:\\s*\\[([^\\]]*)\\]\\s*)?}\\s*\\z");
    private static final Pattern STRING = Pattern.compile("\\s*\"([^\"\\\\]*)\"\\s*(,|\\z)");

    private ExtensionsApiHandler() {}

    static void handle(ExtensionsApi api, Request request, Response response, Callback callback)
            throws IOException, InterruptedException {
        String action = request.getHttpURI().getPath().substring(PREFIX.length());
        String method = request.getMethod();
        String identifier = request.getHeaders().get(ExtensionAnswer.IDENTIFIER);
        ExtensionAnswer answer = switch (action) {
            case "register" -> method.equals("POST") ? register(api, request) : methodNotAllowed();
            case "event/next" -> !method.equals("GET") ? methodNotAllowed()
                    : identifier == null ? missingIdentifier() : api.awaitEvent(identifier);
            case "init/error", "exit/error" -> {
                if (!method.equals("POST")) {
                    yield methodNotAllowed();
                }
                Content.Source.consumeAll(request);
                yield identifier == null ? missingIdentifier()
                        : api.error(identifier, Optional.ofNullable(request.getHeaders().get(ERROR_TYPE)).orElse(""),
                                action.equals("exit/error"));
            }
            default -> ExtensionAnswer.error(404, "InvalidRequest", "No such Extensions API resource: " + method + " "
                    + request.getHttpURI().getPath());
        };
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        Content.Sink.write(response, true, answer.body(), callback);
    }

    private static ExtensionAnswer register(ExtensionsApi api, Request request) throws IOException {
        String name = request.getHeaders().get(NAME);
        String body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = new String(in.readNBytes(MAX_REGISTER_BYTES), StandardCharsets.UTF_8);
        }
        if (name == null || name.isBlank()) {
            return ExtensionAnswer.error(403, "Extension.InvalidExtensionName", "Empty extension name");
        }
        Optional<List<String>> events = events(body);
        if (events.isEmpty()) {
            return ExtensionAnswer.error(403, "InvalidRequestFormat", "the register body is not {\"events\": [...]}");
        }
        String features = Optional.ofNullable(request.getHeaders().get(FEATURES)).orElse("");
        boolean withAccountId = List.of(features.split(",")).stream().map(String::trim).anyMatch("accountId"::equals);
        return api.register(name, events.get(), withAccountId);
    }

    /** The event names of a register body {@code {"events": ["INVOKE", ...]}}; empty when it is not of that shape. */
    static Optional<List<String>> events(String body) {
        Matcher whole = BODY.matcher(body);
        if (!whole.matches()) {
            return Optional.empty();
        }
        List<String> events = new ArrayList<>();
        String list = whole.group(1);
        if (list == null || list.isBlank()) {
            return Optional.of(events);
        }
        Matcher item = STRING.matcher(list);
        int at = 0;
        while (at < list.length() && item.find(at) && item.start() == at) {
            events.add(item.group(1));
            at = item.end();
        }
        return at == list.length() ? Optional.of(events) : Optional.empty();
    }

    private static ExtensionAnswer missingIdentifier() {
        return ExtensionAnswer.error(403, "Extension.MissingHeader", "Missing " + ExtensionAnswer.IDENTIFIER + " header");
    }

    private static ExtensionAnswer methodNotAllowed() {
        return ExtensionAnswer.error(405, "MethodNotAllowed", "Method not allowed");
    }
}
