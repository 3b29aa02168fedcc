package dev.hearth.http;

import dev.hearth.sigv4.SigV4Verifier;
import dev.hearth.sigv4.SignedRequest;

/**
 * Verifies the AWS Signature Version 4 of every request to a {@link Route.Access#SIGNED} route
 * against the configured credentials.
 */
public final class SigV4Authenticator implements RequestAuthenticator {
    private final SigV4Verifier verifier;

    public SigV4Authenticator(SigV4Verifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void authenticate(ApiRequest request) {
        verifier.verify(SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(), request.headers(), request.body()));
    }
}
