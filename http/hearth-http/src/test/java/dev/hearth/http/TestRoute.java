package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing without a socket: templates, trailing slashes, percent-decoding of path parameters. */
final class TestRoute {
    private static final Route FUNCTION = new Route("GET", "/2015-03-31/functions/{FunctionName}", "GetFunction", 0, r -> null);
    private static final Route LIST = new Route("GET", "/2015-03-31/functions/", "ListFunctions", 0, r -> null);

    @Test
    void capturesAndDecodesPathParameters() {
        assertThat(FUNCTION.matchPath("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af%3A%24LATEST"))
                .contains(Map.of("FunctionName", "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST"));
        assertThat(FUNCTION.matchPath("/2015-03-31/functions/plain")).contains(Map.of("FunctionName", "plain"));
    }

    @Test
    void aConstrainedSegmentMatchesOnlyWhatItsPatternMatches() {
        Route queue = new Route("POST", "/{AccountId:[0-9]{12}}/{QueueName}", "SQS", 0, r -> null);
        assertThat(queue.matchPath("/000000000000/orders")).contains(Map.of("AccountId", "000000000000", "QueueName", "orders"));
        assertThat(queue.matchPath("/2015-03-31/functions")).isEmpty();
        assertThat(queue.matchPath("/0000000000001/orders")).isEmpty();
    }

    @Test
    void segmentCountMustMatch() {
        assertThat(FUNCTION.matchPath("/2015-03-31/functions/f/configuration")).isEmpty();
        assertThat(FUNCTION.matchPath("/2015-03-31/functions/")).isEmpty();
    }

    @Test
    void trailingSlashIsOptional() {
        assertThat(LIST.matchPath("/2015-03-31/functions")).contains(Map.of());
        assertThat(LIST.matchPath("/2015-03-31/functions/")).contains(Map.of());
    }

    @Test
    void malformedPercentEncodingIsAnInvalidParameter() {
        assertThatThrownBy(() -> FUNCTION.matchPath("/2015-03-31/functions/bad%zz")).isInstanceOf(LambdaException.class);
        assertThat(PercentDecoding.decodeQuery("a+b%20c")).isEqualTo("a b c");
        assertThat(PercentDecoding.decode("a+b")).isEqualTo("a+b");
    }
}
