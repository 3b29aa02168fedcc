/**
 * Verification of AWS Signature Version 4 on requests arriving at Hearth's HTTP edge.
 *
 * <p>{@link dev.hearth.sigv4.SigV4Verifier} checks a {@link dev.hearth.sigv4.SignedRequest} (header
 * form or presigned query form) against the secrets a {@link dev.hearth.sigv4.CredentialsLookup}
 * knows (for example a {@link dev.hearth.sigv4.CredentialsFile}) and returns the
 * {@link dev.hearth.sigv4.VerifiedCaller}, or throws a {@link dev.hearth.core.LambdaException} with
 * the error type and message AWS answers. The package has no HTTP-server dependency: the HTTP layer
 * copies method, raw path, raw query, headers and body into a {@code SignedRequest}.
 */
package dev.hearth.sigv4;
