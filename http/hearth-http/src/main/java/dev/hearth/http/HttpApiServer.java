package dev.hearth.http;

import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.threads.HearthThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Hearth's public HTTP listener for every API it serves (Lambda's, CloudWatch Logs', Hearth's own):
 * a Jetty 12 server whose handlers run on virtual threads, dispatching each request through the
 * {@link ApiRouter} to one {@link ApiService}'s {@link Route}.
 *
 * <p>For every request it assigns a request id ({@code x-amzn-RequestId}), refuses bodies over the
 * route's limit with 413 before reading them whole, runs the {@link RequestAuthenticator} for routes
 * with {@link Route.Access#SIGNED} access, tells the endpoint whose request it is ({@link
 * ApiRequest#caller()}: the signing scope's region, the account the authenticator names, else the
 * server's own), and turns every failure into an AWS-shaped error through {@link ErrorResponses}.
 * Requests signed for a service that another server implements ({@link #forward}) are streamed to it
 * unchanged instead.
 *
 * <p>Lifecycle: {@link #start()} binds, {@link #close()} stops gracefully (in-flight requests finish
 * within the stop timeout). Thread-safe once started.
 */
public final class HttpApiServer implements AutoCloseable {
    /** Most bytes of an oversized request body read and discarded before answering 413. */
    private static final long MAX_DRAIN_BYTES = 128L * 1024 * 1024;
    private final Server server;
    private final ServerConnector connector;
    private final ApiRouter router;
    private final ExecutorService requestThreads = HearthThreads.perTaskVirtual("request");
    private final RequestAuthenticator authenticator;
    private final AccountContext serverAccount;
    private final BodyBudget bodyBudget;
    /** The one route of a {@link #catchAll} listener, else null; fixed before {@link #start()}. */
    private ApiRouter.Match catchAll;
    /** Forwarders by the signing name of the service they forward; fixed before {@link #start()}. */
    private final Map<String, ServiceForwarder> forwarders = new ConcurrentHashMap<>();

    /**
     * @param services the services served on this endpoint; an unsigned request without other keys
     *     goes to the first one with a route for its path
     * @param serverAccount the account and region of a request that names neither
     */
    public HttpApiServer(String host, int port, List<ApiService> services, RequestAuthenticator authenticator,
            AccountContext serverAccount) {
        this(host, port, services, authenticator, serverAccount, BodyBudget.forThisJvm());
    }

    HttpApiServer(String host, int port, List<ApiService> services, RequestAuthenticator authenticator,
            AccountContext serverAccount, BodyBudget bodyBudget) {
        this.serverAccount = serverAccount;
        this.bodyBudget = bodyBudget;
        this.router = new ApiRouter(services);
        this.authenticator = authenticator;
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("hearth-http");
        threads.setVirtualThreadsExecutor(requestThreads);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        // ARNs with slashes travel in one path segment as %2F (EventBridge Scheduler's /tags/{ResourceArn});
        // routes match raw segments and decode each one, so an encoded slash never splits a path
        http.setUriCompliance(UriCompliance.DEFAULT.with("hearth", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Dispatcher());
        server.setErrorHandler(new AwsErrorHandler());
        server.setStopTimeout(10_000);
    }

    /**
     * A listener that hands every request, whatever its method, path, headers or signature, to {@code
     * route}'s endpoint (function URLs, whose callers choose all of these): the route's body limit
     * applies; no authenticator runs (the endpoint checks what it needs itself), and its errors are
     * written in REST JSON unless the endpoint answers them itself.
     */
    public static HttpApiServer catchAll(String host, int port, Route route, AccountContext serverAccount) {
        Route open = route.unsigned();
        ApiService service = ApiService.rest("lambda", List.of(open));
        HttpApiServer server = new HttpApiServer(host, port, List.of(service), RequestAuthenticator.ACCEPT_ALL, serverAccount);
        server.catchAll = new ApiRouter.Match(service, open, Map.of());
        return server;
    }

    /**
     * Forwards every request signed for {@code signingName} (its SigV4 credential scope, in the {@code
     * Authorization} header or a presigned URL) unchanged to the server at {@code target}, which
     * answers it and checks its signature itself; such requests never reach this server's routes or
     * authenticator. Call before {@link #start()}.
     *
     * @param target {@code http://host:port} of the server implementing the service, normally on
     *     loopback; asked for every forwarded request, so that server may start on first use (a
     *     failure to answer is that request's error)
     */
    public void forward(String signingName, Supplier<URI> target) {
        if (server.isStarted()) {
            throw new IllegalStateException("forwarders are set before the server starts");
        }
        ServiceForwarder forwarder = new ServiceForwarder(target);
        forwarder.setServer(server);
        if (forwarders.putIfAbsent(signingName, forwarder) != null) {
            throw new IllegalArgumentException("service " + signingName + " is forwarded already");
        }
        server.addManaged(forwarder);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return connector.getHost();
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            requestThreads.close();
        }
    }

    private final class Dispatcher extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!forwarders.isEmpty()) {
                ServiceForwarder forwarder = forwarderFor(request);
                if (forwarder != null) {
                    return forwarder.handle(request, response, callback);
                }
            }
            String requestId = UUID.randomUUID().toString();
            String method = request.getMethod();
            String rawPath = request.getHttpURI().getPath();
            ApiResponse answer;
            String operation = method + " " + rawPath;
            // until the service is known: AWS JSON for a request naming an X-Amz-Target, else REST JSON
            ErrorResponses.Protocol errorProtocol = request.getHeaders().contains("X-Amz-Target")
                    ? ErrorResponses.Protocol.AWS_JSON : ErrorResponses.Protocol.REST_JSON;
            try (BodyBudget.Reservation reservation = bodyBudget.reserve()) {
                String rawQuery = request.getHttpURI().getQuery();
                Map<String, List<String>> query = query(rawQuery);
                Map<String, List<String>> headers = headers(request);
                ApiRouter.Match match = catchAll != null ? catchAll
                        : router.route(method, rawPath, name -> first(headers, name), query);
                Route route = match.route();
                operation = route.operation();
                errorProtocol = match.service().errorProtocolOf(headers.containsKey("x-amz-target"));
                Optional<SigningScope> scope = SigningScope.of(name -> first(headers, name), query);
                AccountContext region = scope.map(s -> inRegion(serverAccount, s.region())).orElse(serverAccount);
                if (route.access() == Route.Access.SIGNED) {
                    // what the headers already condemn is refused before a byte of the body is read
                    authenticator.precheck(method, rawPath, rawQuery, headers);
                }
                ApiRequest api = new ApiRequest(method, rawPath, rawQuery, match.pathParameters(), query,
                        headers, body(request, route, errorProtocol, reservation), requestId, region, sourceIp(request));
                if (route.access() == Route.Access.SIGNED) {
                    Optional<String> account = authenticator.authenticate(api);
                    if (account.isPresent()) {
                        api = api.withCaller(new AccountContext(region.region(), account.get()));
                    }
                }
                answer = route.endpoint().handle(api);
            } catch (Throwable failure) {
                if (failure instanceof Error error && !(failure instanceof StackOverflowError)) {
                    throw error;
                }
                answer = ErrorResponses.of(failure, errorProtocol, operation, requestId);
            }
            if (answer.stream() != null) {
                sendStreamed(response, callback, answer, requestId, errorProtocol, operation);
                return true;
            }
            send(response, callback, answer, requestId);
            return true;
        }
    }

    /**
     * Sends a streamed answer: headers first, then whatever its writer writes, each write blocking
     * until the connection took it. A failure before the first byte is answered as an error instead;
     * after it, the response is aborted.
     */
    private static void sendStreamed(Response response, Callback callback, ApiResponse answer, String requestId,
            ErrorResponses.Protocol errorProtocol, String operation) {
        putStatusAndHeaders(response, answer, requestId);
        // an end-of-connection body framed as chunks by StreamedBody (see there): Jetty must
        // neither chunk it again nor know the header, hence a field without its HttpHeader
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().add(new HttpField((HttpHeader) null, "Transfer-Encoding", "chunked"));
        StreamedBody out = new StreamedBody(response);
        try {
            answer.stream().writeTo(out);
            out.close();
            callback.succeeded();
        } catch (Throwable failure) {
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof Error error && !(failure instanceof StackOverflowError)) {
                callback.failed(error);
                throw error;
            }
            if (!response.isCommitted()) {
                response.reset();
                send(response, callback, ErrorResponses.of(failure, errorProtocol, operation, requestId), requestId);
            } else {
                callback.failed(failure);
            }
        }
    }

    /** The client's address (without port), or empty when the connection does not tell it. */
    private static String sourceIp(Request request) {
        return Request.getRemoteAddr(request) == null ? "" : Request.getRemoteAddr(request);
    }

    /** The forwarder of the service a request is signed for, if that service is forwarded. */
    private ServiceForwarder forwarderFor(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String query = request.getHttpURI().getQuery();
        if (authorization == null && (query == null || !query.contains("X-Amz-Credential"))) {
            return null;
        }
        Optional<SigningScope> scope = SigningScope.of(name -> Optional.ofNullable(request.getHeaders().get(name)),
                authorization == null ? query(query) : Map.of());
        return scope.map(s -> forwarders.get(s.service())).orElse(null);
    }

    /** {@code account} in the region a request is signed for; a name that is no AWS region is refused. */
    private static AccountContext inRegion(AccountContext account, String region) {
        if (!AccountContext.isRegionName(region)) {
            throw LambdaException.invalidParameter("The request is signed for region '" + region
                    + "'; Hearth serves AWS region names such as us-east-1.");
        }
        return new AccountContext(region, account.accountId());
    }

    private static Optional<String> first(Map<String, List<String>> headers, String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /**
     * The request's body, at most the route's limit, held within the {@link BodyBudget}: room for a
     * declared length is reserved before reading, for a chunked body block by block as it arrives.
     */
    private byte[] body(Request request, Route route, ErrorResponses.Protocol protocol, BodyBudget.Reservation reservation)
            throws IOException, InterruptedException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            long declared = request.getLength();
            if (declared > route.maxBodyBytes()) {
                drain(in);
                throw tooLarge(route, protocol);
            }
            if (declared >= 0) {
                if (!reservation.ensure(declared)) {
                    throw busy(protocol);
                }
                // exactly the declared length: no over-sized read buffer per request
                return in.readNBytes((int) declared);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] block = new byte[BodyBudget.BLOCK_BYTES];
            int n;
            while ((n = in.readNBytes(block, 0, block.length)) > 0) {
                if (body.size() + n > route.maxBodyBytes()) {
                    drain(in);
                    throw tooLarge(route, protocol);
                }
                if (!reservation.ensure(body.size() + (long) n)) {
                    throw busy(protocol);
                }
                body.write(block, 0, n);
            }
            return body.toByteArray();
        }
    }

    /** The refusal of a body when bodies in flight already hold the whole {@link BodyBudget}. */
    private LambdaException busy(ErrorResponses.Protocol protocol) {
        String message = "Hearth is receiving more request bodies than it holds at once (" + bodyBudget.totalBytes() / (1024 * 1024)
                + " MB in flight); retry the request later.";
        return switch (protocol) {
            case REST_JSON -> new LambdaException(LambdaErrorType.TooManyRequestsException, message);
            case AWS_JSON, AWS_QUERY -> new LambdaException(LambdaErrorType.ThrottlingException, message);
        };
    }

    /**
     * Reads and discards what a client is still sending (up to a bound), so that it receives the 413
     * answer instead of a broken pipe; beyond the bound the connection is simply closed.
     */
    private static void drain(InputStream in) throws IOException {
        long remaining = MAX_DRAIN_BYTES;
        byte[] buffer = new byte[64 * 1024];
        int n;
        while (remaining > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining))) > 0) {
            remaining -= n;
        }
    }

    /**
     * The refusal of a body over {@code route}'s limit, in Lambda's words for a REST JSON (Lambda)
     * route: 413 {@code RequestEntityTooLargeException} "Request must be smaller than 6291456 bytes for
     * the InvokeFunction operation" (the route's operation name is the one Lambda's message uses).
     */
    private static LambdaException tooLarge(Route route, ErrorResponses.Protocol protocol) {
        LambdaErrorType type = switch (protocol) {
            case REST_JSON -> LambdaErrorType.RequestEntityTooLargeException;
            case AWS_JSON, AWS_QUERY -> LambdaErrorType.RequestTooLargeException;
        };
        return new LambdaException(type,
                "Request must be smaller than " + route.maxBodyBytes() + " bytes for the " + route.operation() + " operation");
    }

    private static Map<String, List<String>> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = PercentDecoding.decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : PercentDecoding.decodeQuery(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    /** The answer's status and headers, with the request id. */
    private static void putStatusAndHeaders(Response response, ApiResponse answer, String requestId) {
        response.setStatus(answer.status());
        response.getHeaders().put("x-amzn-RequestId", requestId);
        if (answer.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        }
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        answer.multiValueHeaders().forEach((name, values) -> values.forEach(value -> response.getHeaders().add(name, value)));
    }

    private static void send(Response response, Callback callback, ApiResponse answer, String requestId) {
        putStatusAndHeaders(response, answer, requestId);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }
}
