package dev.hearth.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credential scope a request claims to be signed with ({@code Credential=AKID/DATE/REGION/
 * SERVICE/aws4_request}, in the {@code Authorization} header or the presigned {@code
 * X-Amz-Credential} parameter), read as written: which service it is for, which region it acts in and
 * which access key signed it. Reading it verifies nothing; the {@link RequestAuthenticator} does.
 *
 * @param accessKeyId the access key id the caller names
 * @param region the region the caller signed for
 * @param service the signing name of the service ({@code lambda}, {@code logs}, {@code s3} ...)
 */
public record SigningScope(String accessKeyId, String region, String service) {
    private static final Pattern HEADER_CREDENTIAL = Pattern.compile("Credential=([^,\\s]+)");

    /** The scope of a request with these headers (lower-case names) and decoded query, if it names one. */
    public static Optional<SigningScope> of(Function<String, Optional<String>> header, Map<String, List<String>> query) {
        Optional<String> credential = header.apply("authorization").flatMap(value -> {
            Matcher m = HEADER_CREDENTIAL.matcher(value);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });
        if (credential.isEmpty()) {
            List<String> presigned = query.getOrDefault("X-Amz-Credential", List.of());
            credential = presigned.isEmpty() ? Optional.empty() : Optional.of(presigned.getFirst());
        }
        return credential.flatMap(scope -> {
            String[] parts = scope.split("/", -1);
            return parts.length == 5 && !parts[0].isEmpty() && !parts[2].isEmpty() && !parts[3].isEmpty()
                    ? Optional.of(new SigningScope(parts[0], parts[2], parts[3]))
                    : Optional.empty();
        });
    }
}
