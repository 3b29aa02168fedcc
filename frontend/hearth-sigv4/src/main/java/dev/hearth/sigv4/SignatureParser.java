package dev.hearth.sigv4;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a request's {@link SignatureParameters} from its {@code Authorization} header or its
 * presigned query, with AWS's messages for what is missing or malformed. Stateless.
 */
final class SignatureParser {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final long MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;
    private static final String SECURITY_TOKEN = "X-Amz-Security-Token";

    private SignatureParser() {
    }

    static SignatureParameters parse(SignedRequest request, QueryParameters query) {
        String authorization = request.firstHeader("authorization");
        boolean presigned = query.first("X-Amz-Algorithm").isPresent();
        if (authorization != null && presigned) {
            throw SignatureRejections.incomplete("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter "
                    + "or the Authorization header should be specified");
        }
        if (authorization != null) {
            return fromHeader(request, authorization);
        }
        if (presigned) {
            return fromQuery(query);
        }
        throw SignatureRejections.missingAuthenticationToken();
    }

    private static SignatureParameters fromHeader(SignedRequest request, String authorization) {
        String trimmed = authorization.strip();
        int space = indexOfWhitespace(trimmed);
        String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
        if (!algorithm.equals(ALGORITHM)) {
            throw SignatureRejections.incomplete("Unsupported AWS 'algorithm': '" + algorithm
                    + "'; the Authorization header must use '" + ALGORITHM + "'. Authorization=" + authorization);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String rest = space < 0 ? "" : trimmed.substring(space + 1);
        for (String part : rest.split(",", -1)) {
            String field = part.strip();
            if (field.isEmpty()) {
                continue;
            }
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw SignatureRejections.incomplete("'" + field + "' not a valid key=value pair (missing equal-sign) "
                        + "in Authorization header: '" + authorization + "'.");
            }
            fields.putIfAbsent(field.substring(0, eq).strip(), field.substring(eq + 1).strip());
        }
        String xAmzDate = request.firstHeader("x-amz-date");
        String httpDate = request.firstHeader("date");
        StringBuilder missing = new StringBuilder();
        for (String required : List.of("Credential", "Signature", "SignedHeaders")) {
            if (!fields.containsKey(required) || fields.get(required).isEmpty()) {
                missing.append("Authorization header requires '").append(required).append("' parameter. ");
            }
        }
        if (xAmzDate == null && httpDate == null) {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }
        if (!missing.isEmpty()) {
            throw SignatureRejections.incomplete(missing + "Authorization=" + authorization);
        }
        Instant signedAt = xAmzDate != null ? parseAmzDate(xAmzDate, "X-Amz-Date") : parseHttpDate(httpDate);
        return new SignatureParameters(
                new SignatureParameters.InHeader(),
                CredentialScope.parse(fields.get("Credential")),
                signedHeaders(fields.get("SignedHeaders")),
                fields.get("Signature").toLowerCase(Locale.ROOT),
                AMZ_DATE.format(signedAt),
                signedAt,
                Optional.ofNullable(request.firstHeader(SECURITY_TOKEN)));
    }

    private static SignatureParameters fromQuery(QueryParameters query) {
        List<String> required = List.of("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders");
        List<String> absent = new ArrayList<>();
        for (String name : required) {
            if (query.first(name).filter(value -> !value.isEmpty()).isEmpty()) {
                absent.add(name);
            }
        }
        if (!absent.isEmpty()) {
            throw SignatureRejections.incomplete("AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
                    + "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters; missing "
                    + String.join(", ", absent) + ".");
        }
        String algorithm = query.first("X-Amz-Algorithm").orElseThrow();
        if (!algorithm.equals(ALGORITHM)) {
            throw SignatureRejections.incomplete("X-Amz-Algorithm only supports \"" + ALGORITHM + "\", not '" + algorithm + "'.");
        }
        Duration expires = query.first("X-Amz-Expires").map(SignatureParser::parseExpires).orElse(Duration.ofMinutes(15));
        String amzDate = query.first("X-Amz-Date").orElseThrow();
        return new SignatureParameters(
                new SignatureParameters.InQuery(expires),
                CredentialScope.parse(query.first("X-Amz-Credential").orElseThrow()),
                signedHeaders(query.first("X-Amz-SignedHeaders").orElseThrow()),
                query.first(QueryParameters.SIGNATURE).orElseThrow().toLowerCase(Locale.ROOT),
                amzDate,
                parseAmzDate(amzDate, "X-Amz-Date"),
                query.first(SECURITY_TOKEN));
    }

    private static List<String> signedHeaders(String value) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(";", -1)) {
            if (name.isBlank()) {
                throw SignatureRejections.incomplete("SignedHeaders contains an empty header name: '" + value + "'.");
            }
            names.add(name.strip().toLowerCase(Locale.ROOT));
        }
        if (!names.contains("host")) {
            throw SignatureRejections.incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        return names;
    }

    private static Duration parseExpires(String value) {
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw SignatureRejections.incomplete("X-Amz-Expires should be a number of seconds, not '" + value + "'.");
        }
        if (seconds < 1) {
            throw SignatureRejections.incomplete("X-Amz-Expires must be non-negative and at least 1 second, not " + seconds + ".");
        }
        if (seconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
            throw SignatureRejections.incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800.");
        }
        return Duration.ofSeconds(seconds);
    }

    private static Instant parseAmzDate(String value, String name) {
        try {
            return LocalDateTime.parse(value, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw SignatureRejections.incomplete(name + " must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z', not '"
                    + value + "'.");
        }
    }

    private static Instant parseHttpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw SignatureRejections.incomplete("Date must be an RFC 1123 date, not '" + value + "'.");
        }
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
