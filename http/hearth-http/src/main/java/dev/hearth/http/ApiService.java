package dev.hearth.http;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One AWS service that Hearth serves on its endpoint, with the keys {@link ApiRouter} dispatches
 * on: the SigV4 signing name of the service ({@code lambda}, {@code logs}, {@code s3}, {@code sqs},
 * {@code scheduler}), the {@code X-Amz-Target} prefixes of its JSON 1.x operations (e.g. {@code
 * Logs_20140328}), the {@code Action} names of its query protocol, and its routes; and how its
 * protocol writes errors.
 *
 * @param signingName the service name in a SigV4 credential scope
 * @param targetPrefixes the part of {@code X-Amz-Target} before the dot that names this service
 * @param actions query-protocol {@code Action} values this service answers
 * @param routes the operations, matched by method and path once the service is chosen
 * @param errorProtocol the shape of its error bodies, and of the 413 for a body over a route's limit
 */
public record ApiService(String signingName, Set<String> targetPrefixes, Set<String> actions, List<Route> routes,
        ErrorResponses.Protocol errorProtocol) {
    public ApiService {
        Objects.requireNonNull(signingName, "signingName");
        targetPrefixes = Set.copyOf(targetPrefixes);
        actions = Set.copyOf(actions);
        routes = List.copyOf(routes);
        Objects.requireNonNull(errorProtocol, "errorProtocol");
    }

    /**
     * The error protocol of one request: a JSON 1.x service that also answers query-protocol
     * {@code Action}s (SQS) answers a request without {@code X-Amz-Target} in the query protocol's XML.
     */
    public ErrorResponses.Protocol errorProtocolOf(boolean hasTarget) {
        return errorProtocol == ErrorResponses.Protocol.AWS_JSON && !hasTarget && !actions.isEmpty()
                ? ErrorResponses.Protocol.AWS_QUERY : errorProtocol;
    }

    /** A service whose errors are written in REST JSON, Lambda's shape. */
    public ApiService(String signingName, Set<String> targetPrefixes, Set<String> actions, List<Route> routes) {
        this(signingName, targetPrefixes, actions, routes, ErrorResponses.Protocol.REST_JSON);
    }

    /** A REST JSON service (Lambda's API): dispatched by its signing name, or by path when unsigned. */
    public static ApiService rest(String signingName, List<Route> routes) {
        return new ApiService(signingName, Set.of(), Set.of(), routes, ErrorResponses.Protocol.REST_JSON);
    }

    /** A JSON 1.x service: dispatched by its signing name, or by its {@code X-Amz-Target} prefix. */
    public static ApiService json(String signingName, String targetPrefix, List<Route> routes) {
        return new ApiService(signingName, Set.of(targetPrefix), Set.of(), routes, ErrorResponses.Protocol.AWS_JSON);
    }
}
