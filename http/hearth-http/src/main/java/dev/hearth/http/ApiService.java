package dev.hearth.http;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One AWS service that Hearth serves on its endpoint, with the keys {@link ApiRouter} dispatches
 * on: the SigV4 signing name of the service ({@code lambda}, {@code logs}, {@code s3}, {@code sqs},
 * {@code scheduler}), the {@code X-Amz-Target} prefixes of its JSON 1.x operations (e.g. {@code
 * Logs_20140328}), the {@code Action} names of its query protocol, and its routes.
 *
 * @param signingName the service name in a SigV4 credential scope
 * @param targetPrefixes the part of {@code X-Amz-Target} before the dot that names this service
 * @param actions query-protocol {@code Action} values this service answers
 * @param routes the operations, matched by method and path once the service is chosen
 */
public record ApiService(String signingName, Set<String> targetPrefixes, Set<String> actions, List<Route> routes) {
    public ApiService {
        Objects.requireNonNull(signingName, "signingName");
        targetPrefixes = Set.copyOf(targetPrefixes);
        actions = Set.copyOf(actions);
        routes = List.copyOf(routes);
    }

    /** A REST service: dispatched by its signing name, or by path when unsigned. */
    public static ApiService rest(String signingName, List<Route> routes) {
        return new ApiService(signingName, Set.of(), Set.of(), routes);
    }

    /** A JSON 1.x service: dispatched by its signing name, or by its {@code X-Amz-Target} prefix. */
    public static ApiService json(String signingName, String targetPrefix, List<Route> routes) {
        return new ApiService(signingName, Set.of(targetPrefix), Set.of(), routes);
    }
}
