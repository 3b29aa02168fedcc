package dev.hearth.frontend;

import dev.hearth.sigv4.SigV4Verifier;
import dev.hearth.sigv4.SignedRequest;

/**
 * Verifies the AWS Signature Version 4 of every request against the configured credentials, except
 * code download links, which carry their own signature ({@link CodeDownloads}), and metrics scrapes
 * ({@link MetricsApi}).
 */
public final class SigV4Authenticator implements RequestAuthenticator {
    private final SigV4Verifier verifier;

    public SigV4Authenticator(SigV4Verifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void authenticate(ApiRequest request) {
        if (CodeDownloads.isDownload(request) || MetricsApi.isScrape(request)) {
            return;
        }
        verifier.verify(SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(), request.headers(), request.body()));
    }
}
