package dev.hearth.worker;

import dev.hearth.worker.runtimeapi.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** How one invocation ended, before it is turned into an {@link InvocationResult}. */
sealed interface InvocationOutcome {

    /** The runtime posted a response. */
    record Response(byte[] payload) implements InvocationOutcome {}

    /**
     * The function failed and the runtime said so: {@code /invocation/{id}/error}, or
     * {@code /init/error} ({@code duringInit}, which also costs the sandbox).
     */
    record FunctionFailure(byte[] payload, String errorType, boolean duringInit) implements InvocationOutcome {}

    /**
     * The platform ended the invocation: timeout, runtime exit, oversized response.
     *
     * @param errorType Lambda's error type, e.g. {@code Runtime.ExitError}
     * @param errorMessage the message of the error document
     * @param reportStatus {@code timeout} or {@code error}, for the REPORT line
     * @param logLines lines written to the log before END
     */
    record PlatformFailure(String errorType, String errorMessage, String reportStatus, List<String> logLines)
            implements InvocationOutcome {
        public PlatformFailure {
            logLines = List.copyOf(logLines);
        }

        byte[] payload() {
            return ("{\"errorType\":" + JsonText.quote(errorType) + ",\"errorMessage\":" + JsonText.quote(errorMessage)
                    + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The body returned to the caller. */
    static byte[] payloadOf(InvocationOutcome outcome) {
        return switch (outcome) {
            case Response r -> r.payload();
            case FunctionFailure f -> f.payload();
            case PlatformFailure p -> p.payload();
        };
    }

    /** {@code X-Amz-Function-Error}. */
    static Optional<String> functionErrorOf(InvocationOutcome outcome) {
        return switch (outcome) {
            case Response r -> Optional.empty();
            case FunctionFailure f -> Optional.of("Unhandled");
            case PlatformFailure p -> Optional.of("Unhandled");
        };
    }

    /** The {@code Status: ...\tError Type: ...} suffix of the REPORT line, when the sandbox was lost. */
    static Optional<String> reportSuffixOf(InvocationOutcome outcome) {
        return switch (outcome) {
            case Response r -> Optional.empty();
            case FunctionFailure f -> f.duringInit()
                    ? Optional.of("Status: error" + (f.errorType().isEmpty() ? "" : "\tError Type: " + f.errorType()))
                    : Optional.empty();
            case PlatformFailure p -> Optional.of(p.reportStatus().equals("timeout")
                    ? "Status: timeout"
                    : "Status: " + p.reportStatus() + "\tError Type: " + p.errorType());
        };
    }
}
