package dev.hearth.http;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses the service and the route of a request on Hearth's one endpoint, so that S3 bucket
 * names, SQS's {@code POST /} and Lambda's paths never collide:
 * <ol>
 *   <li>a signed request goes to the service its SigV4 credential scope names ({@code
 *       Credential=AKID/DATE/REGION/SERVICE/aws4_request}, in the {@code Authorization} header or
 *       the presigned {@code X-Amz-Credential} parameter); a service Hearth does not serve is 404
 *       {@code UnknownOperationException};
 *   <li>an unsigned request with {@code X-Amz-Target} goes to the service owning the target's prefix,
 *       one with an {@code Action} query parameter to the service owning that action;
 *   <li>any other unsigned request goes to the first service (in the order given) with a route for
 *       its path.
 * </ol>
 * Within the service, the route whose template matches the path and whose method matches; a path
 * known with another method is 405 {@code MethodNotAllowedException}.
 *
 * <p>The scope is read, not verified: verification is the {@link RequestAuthenticator}'s job, after
 * routing. Stateless and thread-safe; needs no socket.
 */
public final class ApiRouter {
    private final List<ApiService> services;
    private final Map<String, ApiService> bySigningName = new LinkedHashMap<>();
    private final Map<String, ApiService> byTargetPrefix = new LinkedHashMap<>();
    private final Map<String, ApiService> byAction = new LinkedHashMap<>();

    public ApiRouter(List<ApiService> services) {
        this.services = List.copyOf(services);
        for (ApiService service : this.services) {
            register(bySigningName, service.signingName(), service);
            service.targetPrefixes().forEach(prefix -> register(byTargetPrefix, prefix, service));
            service.actions().forEach(action -> register(byAction, action, service));
        }
    }

    private static void register(Map<String, ApiService> index, String key, ApiService service) {
        ApiService earlier = index.putIfAbsent(key, service);
        if (earlier != null) {
            throw new IllegalArgumentException("two services claim '" + key + "': " + earlier.signingName() + " and "
                    + service.signingName());
        }
    }

    /** A request's chosen service and route, with its decoded path parameters. */
    public record Match(ApiService service, Route route, Map<String, String> pathParameters) {}

    /**
     * Routes a request by its method, raw path, headers (lower-case names) and decoded query.
     *
     * @throws LambdaException {@code UnknownOperationException} (404) or {@code MethodNotAllowedException} (405)
     */
    public Match route(String method, String rawPath, Function<String, Optional<String>> header,
            Map<String, List<String>> query) {
        Optional<String> signedFor = SigningScope.of(header, query).map(SigningScope::service);
        if (signedFor.isPresent()) {
            ApiService service = bySigningName.get(signedFor.get());
            if (service == null) {
                throw new LambdaException(LambdaErrorType.UnknownOperationException, "The request is signed for the '"
                        + signedFor.get() + "' service, which this Hearth endpoint does not serve (it serves "
                        + bySigningName.keySet() + ").");
            }
            return routeWithin(List.of(service), method, rawPath);
        }
        Optional<String> target = header.apply("x-amz-target");
        if (target.isPresent()) {
            String prefix = target.get().contains(".") ? target.get().substring(0, target.get().indexOf('.')) : target.get();
            ApiService service = byTargetPrefix.get(prefix);
            if (service == null) {
                throw new LambdaException(LambdaErrorType.UnknownOperationException,
                        "Unknown operation: X-Amz-Target " + target.get());
            }
            return routeWithin(List.of(service), method, rawPath);
        }
        List<String> action = query.getOrDefault("Action", List.of());
        if (!action.isEmpty() && byAction.containsKey(action.getFirst())) {
            return routeWithin(List.of(byAction.get(action.getFirst())), method, rawPath);
        }
        return routeWithin(services, method, rawPath);
    }

    private static Match routeWithin(List<ApiService> candidates, String method, String rawPath) {
        boolean pathKnown = false;
        for (ApiService service : candidates) {
            for (Route route : service.routes()) {
                Optional<Map<String, String>> params = route.matchPath(rawPath);
                if (params.isPresent()) {
                    if (route.method().equals(method)) {
                        return new Match(service, route, params.get());
                    }
                    pathKnown = true;
                }
            }
        }
        if (pathKnown) {
            throw new LambdaException(LambdaErrorType.MethodNotAllowedException,
                    "Method " + method + " is not allowed on " + rawPath);
        }
        throw new LambdaException(LambdaErrorType.UnknownOperationException, "Unknown operation: " + method + " " + rawPath);
    }
}
