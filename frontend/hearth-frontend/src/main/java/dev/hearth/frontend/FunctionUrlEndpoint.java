package dev.hearth.frontend;

import dev.hearth.controlplane.FunctionUrl;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.controlplane.policy.PolicyRequest;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.RequestAuthenticator;
import dev.hearth.http.Route;
import dev.hearth.http.SigningScope;
import dev.hearth.worker.InvocationResult;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves function URLs: the one endpoint of the URL listener, which takes every request whatever its
 * method and path.
 *
 * <p>Which URL: the request's {@code Host} {@code <url-id>.lambda-url.<region>.<domain>} (the
 * configured domain, {@code localhost} by default), else the path-style form {@code /<url-id>/...}
 * for clients that cannot resolve such names; a path-style answer carries {@code
 * Content-Security-Policy: sandbox}, so that a function's HTML never runs with the listener's origin.
 * Then, in order: a CORS preflight is answered from the URL's {@code Cors} ({@link FunctionUrlCors});
 * the caller is authenticated and authorized ({@code AWS_IAM}: a SigV4 signature for the service
 * {@code lambda}, verified by the server's authenticator, and for another account's caller the
 * function's resource policy; {@code NONE}: the policy must allow anyone, {@link
 * dev.hearth.controlplane.FunctionPolicies#allowsUrlInvocation}); the request becomes a payload format
 * 2.0 event ({@link FunctionUrlEvent}); the invocation runs through the {@link
 * dev.hearth.invocation.InvocationService} of the URL's cell and its result becomes the answer ({@link
 * FunctionUrlAnswer}).
 *
 * <p>Answers of the URL's own: 404 {@code {"Message":"Not Found"}} for an unknown URL, 403 {@code
 * {"Message":"Forbidden"}} when the caller is not allowed (with the reason for a missing or bad
 * signature), 429 when the invocation is throttled, 502 {@code {"Message":"Internal Server Error"}} for
 * a function error or an invocation that could not run. {@code RESPONSE_STREAM} URLs are answered as
 * the function streams ({@link FunctionUrlStream}), chunked.
 *
 * <p>Thread-safe; each request runs on its own virtual thread and blocks for its invocation.
 */
public final class FunctionUrlEndpoint {
    /** Lambda's limit of a synchronous invocation's request. */
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final Pattern URL_ID = Pattern.compile("[a-z0-9]{32}");
    private static final Pattern PATH_STYLE = Pattern.compile("/([a-z0-9]{32})(/.*)?");
    private static final Pattern SIGNED_HEADER = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=[^,\\s]+,\\s*SignedHeaders=[^,\\s]+,\\s*Signature=[0-9a-f]{64}");

    private final FunctionUrlDirectory directory;
    private final String domain;
    private final RequestAuthenticator authenticator;
    private final boolean verifiesSignatures;
    private final String serverAccountId;
    private final Clock clock;

    /**
     * @param domain the domain after {@code lambda-url.<region>.} in a URL's host name
     * @param authenticator the server's authenticator, which verifies an {@code AWS_IAM} URL's signatures
     * @param verifiesSignatures whether {@code authenticator} checks signatures against credentials;
     *     without, a well-formed signature is still required and the refusal says so
     * @param serverAccountId the account of a caller whose credentials name none
     */
    public FunctionUrlEndpoint(FunctionUrlDirectory directory, String domain, RequestAuthenticator authenticator,
            boolean verifiesSignatures, String serverAccountId, Clock clock) {
        this.directory = directory;
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.authenticator = authenticator;
        this.verifiesSignatures = verifiesSignatures;
        this.serverAccountId = serverAccountId;
        this.clock = clock;
    }

    /** The listener's one route: every method and path. */
    public Route route() {
        return new Route("*", "/", "InvokeFunctionUrl", REQUEST_LIMIT, Route.Access.PUBLIC, this::handle);
    }

    /** The host name of URL {@code urlId} in {@code region}. */
    public static String hostOf(String urlId, String region, String domain) {
        return urlId + ".lambda-url." + region + "." + domain;
    }

    private record Addressed(String urlId, String rawPath, boolean pathStyle, Optional<String> region) {}

    ApiResponse handle(ApiRequest request) {
        Optional<Addressed> addressed = address(request);
        Optional<FunctionUrlDirectory.Target> target = addressed.flatMap(a -> directory.find(a.urlId()))
                .filter(t -> addressed.get().region().map(t.url().account().region()::equals).orElse(true));
        if (target.isEmpty()) {
            return FunctionUrlAnswer.message(404, "Not Found");
        }
        ApiResponse answer = serve(request, addressed.get(), target.get());
        return addressed.get().pathStyle() ? answer.withHeader("Content-Security-Policy", "sandbox") : answer;
    }

    private ApiResponse serve(ApiRequest request, Addressed addressed, FunctionUrlDirectory.Target target) {
        FunctionUrl url = target.url();
        if (FunctionUrlCors.isPreflight(request, url.cors())) {
            return FunctionUrlCors.preflight(request, url.cors().orElseThrow());
        }
        Optional<FunctionUrlEvent.IamCaller> caller;
        if (url.authType().equals(FunctionUrl.AUTH_IAM)) {
            try {
                caller = Optional.of(signer(request));
            } catch (LambdaException refused) {
                return FunctionUrlCors.decorate(request, url.cors(), FunctionUrlAnswer.message(403, refused.getMessage()));
            }
            String account = caller.get().accountId();
            if (!account.equals(url.account().accountId()) && !target.policies().allowsUrlInvocation(account, url)) {
                return FunctionUrlCors.decorate(request, url.cors(), FunctionUrlAnswer.message(403, "Forbidden"));
            }
        } else {
            caller = Optional.empty();
            if (!target.policies().allowsUrlInvocation(PolicyRequest.ANONYMOUS, url)) {
                return FunctionUrlCors.decorate(request, url.cors(), FunctionUrlAnswer.message(403, "Forbidden"));
            }
        }
        byte[] event = FunctionUrlEvent.of(request, url, addressed.rawPath(),
                hostOf(url.urlId(), url.account().region(), domain), caller, clock.instant());
        return FunctionUrlCors.decorate(request, url.cors(), answer(request, target, event));
    }

    /**
     * Runs the invocation and reads its result: {@code BUFFERED} once it ended, {@code RESPONSE_STREAM}
     * as the function streams it ({@link FunctionUrlStream}).
     */
    private static ApiResponse answer(ApiRequest request, FunctionUrlDirectory.Target target, byte[] event) {
        try {
            ResolvedFunction resolved = target.invocations().resolve(target.url().ref());
            return switch (target.url().invokeMode()) {
                case FunctionUrl.BUFFERED -> {
                    InvocationResult result = target.invocations().invoke(resolved, request.requestId(), event, Optional.empty(),
                            false, request.header("x-amzn-trace-id"));
                    yield FunctionUrlAnswer.of(result);
                }
                case FunctionUrl.RESPONSE_STREAM -> ApiResponse.streaming(200, java.util.Map.of(), null,
                        new FunctionUrlStream(target, resolved, request, event));
                default -> throw new IllegalStateException("an invoke mode the control plane refuses: " + target.url().invokeMode());
            };
        } catch (LambdaException failed) {
            return failed.type() == LambdaErrorType.TooManyRequestsException
                    ? FunctionUrlAnswer.message(429, "Rate Exceeded.")
                    : FunctionUrlAnswer.message(502, "Internal Server Error");
        }
    }

    /** Which URL a request is for, by host name, else by its first path segment. */
    private Optional<Addressed> address(ApiRequest request) {
        String host = request.header("host").orElse("").toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            host = host.substring(0, colon);
        }
        String suffix = "." + domain;
        if (host.endsWith(suffix)) {
            String[] labels = host.substring(0, host.length() - suffix.length()).split("\\.", -1);
            if (labels.length == 3 && URL_ID.matcher(labels[0]).matches() && labels[1].equals("lambda-url")) {
                return Optional.of(new Addressed(labels[0], request.rawPath(), false, Optional.of(labels[2])));
            }
        }
        Matcher path = PATH_STYLE.matcher(request.rawPath());
        if (path.matches()) {
            return Optional.of(new Addressed(path.group(1), path.group(2) == null ? "/" : path.group(2), true, Optional.empty()));
        }
        return Optional.empty();
    }

    /**
     * The signer of a request to an {@code AWS_IAM} URL: its signature must be well-formed SigV4 for
     * the service {@code lambda} and pass the server's authenticator.
     *
     * @throws LambdaException with the reason to refuse
     */
    private FunctionUrlEvent.IamCaller signer(ApiRequest request) {
        Optional<SigningScope> scope = SigningScope.of(request::header, request.query());
        boolean wellFormed = scope.isPresent() && (request.header("authorization").map(a -> SIGNED_HEADER.matcher(a).matches())
                .orElse(false) || request.query("X-Amz-Signature").isPresent());
        if (!wellFormed || !scope.get().service().equals("lambda")) {
            throw new LambdaException(LambdaErrorType.AccessDeniedException, "Forbidden. This function URL's AuthType is AWS_IAM: "
                    + "sign the request with AWS Signature Version 4 for the service 'lambda'"
                    + (verifiesSignatures ? "." : " (this Hearth runs without --credentials, so any well-formed signature passes)."));
        }
        authenticator.precheck(request.method(), request.rawPath(), request.rawQuery(), request.headers());
        String account = authenticator.authenticate(request).orElse(serverAccountId);
        return new FunctionUrlEvent.IamCaller(scope.get().accessKeyId(), account);
    }
}
