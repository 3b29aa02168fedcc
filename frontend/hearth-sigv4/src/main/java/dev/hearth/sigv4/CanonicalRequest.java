package dev.hearth.sigv4;

import java.util.List;

/**
 * Builds SigV4's canonical request for services other than S3: method, the path URI-encoded a
 * second time segment by segment, the canonical query, the signed headers with trimmed and folded
 * values, the signed-header list and the payload hash. Stateless.
 */
final class CanonicalRequest {

    private CanonicalRequest() {
    }

    /**
     * The canonical request text.
     *
     * @throws dev.hearth.core.LambdaException IncompleteSignature when a signed header is absent
     */
    static String of(SignedRequest request, String canonicalQuery, List<String> signedHeaders, String payloadHash) {
        StringBuilder out = new StringBuilder(256);
        out.append(request.method()).append('\n');
        out.append(canonicalUri(request.rawPath())).append('\n');
        out.append(canonicalQuery).append('\n');
        for (String name : signedHeaders) {
            List<String> values = request.header(name);
            if (values.isEmpty()) {
                throw SignatureRejections.incomplete("'" + name + "' is named as a SignedHeader, but it does not exist in the HTTP request.");
            }
            out.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendTrimmedFolded(out, values.get(i));
            }
            out.append('\n');
        }
        out.append('\n');
        out.append(String.join(";", signedHeaders)).append('\n');
        out.append(payloadHash);
        return out.toString();
    }

    /** The raw (already encoded) path encoded once more, keeping {@code /}; empty becomes {@code /}. */
    static String canonicalUri(String rawPath) {
        return rawPath.isEmpty() ? "/" : UriEncoding.encode(rawPath, true);
    }

    private static void appendTrimmedFolded(StringBuilder out, String value) {
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
                started = true;
            }
        }
    }
}
