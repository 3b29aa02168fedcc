package dev.hearth.http;

import dev.hearth.sigv4.SigV4Verifier;
import dev.hearth.sigv4.SignedRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies the AWS Signature Version 4 of every request to a {@link Route.Access#SIGNED} route
 * against the configured credentials; the caller acts in the account its key names ({@code
 * aws_account_id} in the credentials file), else in the server's.
 */
public final class SigV4Authenticator implements RequestAuthenticator {
    private final SigV4Verifier verifier;

    public SigV4Authenticator(SigV4Verifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void precheck(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        verifier.precheck(method, rawPath, rawQuery, headers);
    }

    @Override
    public Optional<String> authenticate(ApiRequest request) {
        return verifier.verify(SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                request.body())).accessKey().accountId();
    }
}
