package dev.hearth.sigv4;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An incoming HTTP request as the signature covers it, copied from the HTTP layer.
 *
 * <p>Immutable once built; the header map is copied into an unmodifiable, case-insensitive map.
 *
 * @param method the request method as on the request line, for example {@code POST}
 * @param rawPath the path exactly as received, still percent-encoded (for example
 *     {@code /2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations})
 * @param rawQuery the query string exactly as received, without the {@code ?}; {@code null} when
 *     the request had none
 * @param headers every header with all its values in arrival order; names are case-insensitive.
 *     HTTP/2 requests must carry their {@code :authority} as {@code host}.
 * @param body the request body, or its SHA-256 when the HTTP layer already hashed it
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, Body body) {

    public SignedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        headers = caseInsensitiveCopy(headers);
    }

    /** A request whose body is given as bytes; the array is not copied and must not change. */
    public static SignedRequest of(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        return new SignedRequest(method, rawPath, rawQuery, headers, new Body.Bytes(body));
    }

    /** All values of header {@code name} (case-insensitive), or an empty list. */
    public List<String> header(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String firstHeader(String name) {
        List<String> values = header(name);
        return values.isEmpty() ? null : values.getFirst();
    }

    private static Map<String, List<String>> caseInsensitiveCopy(Map<String, List<String>> headers) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(values, () -> "values of header " + name);
            copy.computeIfAbsent(name.toLowerCase(Locale.ROOT), _ -> new ArrayList<>()).addAll(values);
        });
        copy.replaceAll((_, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(copy);
    }

    /** The request body as the verifier needs it: its SHA-256. */
    public sealed interface Body {

        /** The lowercase hex SHA-256 of the body. */
        String sha256Hex();

        /** The body's bytes; hashed when the verifier needs the hash. The array is not copied. */
        record Bytes(byte[] bytes) implements Body {
            public Bytes {
                Objects.requireNonNull(bytes, "bytes");
            }

            @Override
            public String sha256Hex() {
                return Sha256.hex(bytes);
            }
        }

        /** A body the HTTP layer hashed already (for example while streaming it to disk). */
        record Sha256Hex(String hex) implements Body {
            public Sha256Hex {
                Objects.requireNonNull(hex, "hex");
                if (!hex.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("not a lowercase hex SHA-256: " + hex);
                }
            }

            @Override
            public String sha256Hex() {
                return hex;
            }
        }
    }
}
