package dev.hearth.worker.runtimeapi;

import java.util.Map;

/**
 * What the Extensions API answers one call with: a status, Lambda's {@code Lambda-Extension-*}
 * headers and a JSON body. Errors are Lambda's {@code {"errorMessage":..., "errorType":...}}.
 *
 * @param status HTTP status
 * @param headers response headers besides {@code Content-Type}
 * @param body the JSON body
 */
public record ExtensionAnswer(int status, Map<String, String> headers, String body) {
    /** Response header of a registration: the extension's identifier for every later call. */
    public static final String IDENTIFIER = "Lambda-Extension-Identifier";
    /** Response header of an event: its own identifier. */
    public static final String EVENT_IDENTIFIER = "Lambda-Extension-Event-Identifier";

    public ExtensionAnswer {
        headers = Map.copyOf(headers);
    }

    /** 200 to a registration: the identifier and {@code {functionName, functionVersion, handler}}. */
    public static ExtensionAnswer registered(String identifier, String json) {
        return new ExtensionAnswer(200, Map.of(IDENTIFIER, identifier), json);
    }

    /** 200 to {@code /event/next}: the event. */
    public static ExtensionAnswer event(String eventIdentifier, String json) {
        return new ExtensionAnswer(200, Map.of(EVENT_IDENTIFIER, eventIdentifier), json);
    }

    /** 202 to an init or exit error. */
    public static ExtensionAnswer accepted() {
        return new ExtensionAnswer(202, Map.of(), "{\"status\":\"OK\"}");
    }

    /** An error answer of Lambda's shape. */
    public static ExtensionAnswer error(int status, String errorType, String errorMessage) {
        return new ExtensionAnswer(status, Map.of(), "{\"errorMessage\":" + JsonText.quote(errorMessage)
                + ",\"errorType\":" + JsonText.quote(errorType) + "}");
    }

    /** 403 {@code Extension.UnknownExtensionIdentifier}: no extension of this sandbox has {@code identifier}. */
    public static ExtensionAnswer unknownIdentifier(String identifier) {
        return error(403, "Extension.UnknownExtensionIdentifier", "Unknown extension " + identifier);
    }

    /** 500: the sandbox is going away; the extension should exit. */
    public static ExtensionAnswer shuttingDown() {
        return error(500, "Extension.Shutdown", "The execution environment is shutting down");
    }
}
