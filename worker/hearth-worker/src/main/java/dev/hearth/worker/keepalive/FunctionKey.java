package dev.hearth.worker.keepalive;

import java.util.Objects;

/**
 * One function version, the unit keep-alive decisions are made for.
 *
 * @param functionArn the function's unqualified ARN (functions of one name in two accounts or
 *     regions are different functions)
 * @param version {@code $LATEST} or a version number
 */
public record FunctionKey(String functionArn, String version) {
    public FunctionKey {
        Objects.requireNonNull(functionArn, "functionArn");
        Objects.requireNonNull(version, "version");
    }
}
