package dev.hearth.sigv4;

/**
 * The credential scope of a signature: {@code AKID/yyyyMMdd/region/service/aws4_request}.
 *
 * @param accessKeyId the key id the caller claims to sign with
 * @param date the scope date, {@code yyyyMMdd}
 * @param region any region name
 * @param service the signing name of the service, {@code lambda} for Hearth's API
 * @param terminator always {@code aws4_request} once validated
 */
record CredentialScope(String accessKeyId, String date, String region, String service, String terminator) {
    static final String TERMINATOR = "aws4_request";

    /** Splits {@code AKID/date/region/service/terminator}, or throws IncompleteSignature. */
    static CredentialScope parse(String credential) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5 || anyEmpty(parts)) {
            throw SignatureRejections.incomplete("Error parsing the Credential parameter; the Credential is mal-formed; "
                    + "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\": '" + credential + "'.");
        }
        return new CredentialScope(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }

    /** {@code yyyyMMdd/region/service/aws4_request}, the scope line of the string to sign. */
    String scopeLine() {
        return date + "/" + region + "/" + service + "/" + terminator;
    }

    private static boolean anyEmpty(String[] parts) {
        for (String part : parts) {
            if (part.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
