package dev.hearth.worker.runtimeapi;

import java.util.List;

/**
 * Lambda's Extensions API ({@code /2020-01-01/extension/...}) of one sandbox, as the Runtime API
 * server sees it: the worker implements it per sandbox and decides what each extension may do.
 *
 * <p>Threading: called concurrently from the virtual threads serving requests; {@link #awaitEvent}
 * blocks (long poll) and must return once the sandbox shuts down.
 */
public interface ExtensionsApi {
    /** A sandbox without an Extensions API: every call is refused as Lambda refuses an unknown caller. */
    ExtensionsApi NONE = new ExtensionsApi() {
        @Override
        public ExtensionAnswer register(String name, List<String> events, boolean withAccountId) {
            return ExtensionAnswer.error(403, "Extension.RegistrationClosed", "Extension registration closed already");
        }

        @Override
        public ExtensionAnswer awaitEvent(String identifier) {
            return ExtensionAnswer.unknownIdentifier(identifier);
        }

        @Override
        public ExtensionAnswer error(String identifier, String errorType, boolean exiting) {
            return ExtensionAnswer.unknownIdentifier(identifier);
        }
    };

    /**
     * {@code POST /register}: {@code name} from {@code Lambda-Extension-Name} (never empty), the
     * {@code events} of the body; {@code withAccountId} when the caller asked for the account id
     * ({@code Lambda-Extension-Accept-Feature: accountId}).
     */
    ExtensionAnswer register(String name, List<String> events, boolean withAccountId);

    /** {@code GET /event/next}: blocks until the extension's next event. */
    ExtensionAnswer awaitEvent(String identifier) throws InterruptedException;

    /** {@code POST /init/error} ({@code exiting} false) or {@code /exit/error} (true). */
    ExtensionAnswer error(String identifier, String errorType, boolean exiting);
}
