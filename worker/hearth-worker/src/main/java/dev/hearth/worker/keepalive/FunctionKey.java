package dev.hearth.worker.keepalive;

import java.util.Objects;

/** One function version, the unit keep-alive decisions are made for. */
public record FunctionKey(String functionName, String version) {
    public FunctionKey {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(version, "version");
    }
}
