package dev.hearth.server;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.RequestAuthenticator;
import dev.hearth.http.SigningScope;
import dev.hearth.sigv4.AccessKey;
import dev.hearth.sigv4.SigV4Verifier;
import dev.hearth.sigv4.SignedRequest;
import dev.hearth.sigv4.VerifiedCaller;
import dev.hearth.worker.SandboxCredentials;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates calls made with a sandbox's own credentials ({@link SandboxCredentials}: the
 * temporary keys a function finds in {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code
 * AWS_SESSION_TOKEN}) always by their SigV4 signature and session token, whatever the server's own
 * authenticator does (without {@code --credentials} that one accepts anything); the caller acts as
 * the function's account. Every other request goes to the server's authenticator.
 *
 * <p>Thread-safe. Failure: a wrong signature is the verifier's 403; a missing or wrong session token
 * is 403 {@code UnrecognizedClientException} "The security token included in the request is invalid.",
 * as AWS answers.
 */
final class SandboxKeyAuthenticator implements RequestAuthenticator {
    private final Function<String, Optional<SandboxCredentials>> sandboxKeys;
    private final SigV4Verifier verifier;
    private final RequestAuthenticator others;

    SandboxKeyAuthenticator(Function<String, Optional<SandboxCredentials>> sandboxKeys, Clock clock, RequestAuthenticator others) {
        this.sandboxKeys = sandboxKeys;
        this.verifier = new SigV4Verifier(id -> sandboxKeys.apply(id).map(c -> new AccessKey(c.accessKeyId(),
                c.secretAccessKey(), "sandbox", Optional.of(c.account().accountId()))), clock);
        this.others = others;
    }

    @Override
    public void precheck(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        if (sandboxKey(name -> first(headers, name), query(rawQuery)).isPresent()) {
            verifier.precheck(method, rawPath, rawQuery, headers);
        } else {
            others.precheck(method, rawPath, rawQuery, headers);
        }
    }

    @Override
    public Optional<String> authenticate(ApiRequest request) {
        Optional<SandboxCredentials> key = sandboxKey(request::header, request.query());
        if (key.isEmpty()) {
            return others.authenticate(request);
        }
        VerifiedCaller caller = verifier.verify(SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(),
                request.headers(), request.body()));
        if (!caller.sessionToken().equals(Optional.of(key.get().sessionToken()))) {
            throw new LambdaException(LambdaErrorType.UnrecognizedClientException, "The security token included in the request is invalid.");
        }
        return Optional.of(key.get().account().accountId());
    }

    private Optional<SandboxCredentials> sandboxKey(Function<String, Optional<String>> header, Map<String, List<String>> query) {
        return SigningScope.of(header, query).flatMap(scope -> sandboxKeys.apply(scope.accessKeyId()));
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The presigned-URL parameters a scope may be in (only {@code X-Amz-Credential} matters here). */
    private static Map<String, List<String>> query(String rawQuery) {
        if (rawQuery == null) {
            return Map.of();
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("X-Amz-Credential=")) {
                return Map.of("X-Amz-Credential", List.of(java.net.URLDecoder.decode(
                        pair.substring("X-Amz-Credential=".length()), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return Map.of();
    }
}
