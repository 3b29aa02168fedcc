package dev.hearth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class TestCanonicalRequest {

    @Test
    void pathIsEncodedASecondTime() {
        assertThat(CanonicalRequest.canonicalUri("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations"))
                .isEqualTo("/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A000000000000%253Afunction%253Af/invocations");
        assertThat(CanonicalRequest.canonicalUri("")).isEqualTo("/");
        assertThat(CanonicalRequest.canonicalUri("/a b/~c")).isEqualTo("/a%20b/~c");
    }

    @Test
    void queryIsDecodedReencodedAndSorted() {
        QueryParameters query = QueryParameters.parse("b=2&a=1&a=0&flag&c=x%2fy%3a&d=a+b&e=%7E&X-Amz-Signature=abc");

        assertThat(query.canonical(false)).isEqualTo("X-Amz-Signature=abc&a=0&a=1&b=2&c=x%2Fy%3A&d=a%2Bb&e=~&flag=");
        assertThat(query.canonical(true)).isEqualTo("a=0&a=1&b=2&c=x%2Fy%3A&d=a%2Bb&e=~&flag=");
        assertThat(query.first("c")).contains("x/y:");
        assertThat(QueryParameters.parse(null).canonical(false)).isEmpty();
    }

    @Test
    void malformedPercentEscapeStaysLiteral() {
        assertThat(UriEncoding.reencode("100%")).isEqualTo("100%25");
        assertThat(UriEncoding.reencode("%zz")).isEqualTo("%25zz");
    }

    @Test
    void headerValuesAreTrimmedFoldedAndJoined() {
        SignedRequest request = SignedRequest.of("GET", "/", null,
                Map.of("Host", List.of("h"), "X-Multi", List.of("  a   b ", "c")), new byte[0]);

        String canonical = CanonicalRequest.of(request, "", List.of("host", "x-multi"), "hash");

        assertThat(canonical).isEqualTo("GET\n/\n\nhost:h\nx-multi:a b,c\n\nhost;x-multi\nhash");
    }
}
