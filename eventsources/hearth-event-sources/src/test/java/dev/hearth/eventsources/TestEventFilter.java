package dev.hearth.eventsources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lambda's filter pattern language on SQS records: each matcher, nesting, arrays, $or, non-JSON bodies. */
final class TestEventFilter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Test
    void literalsPrefixesSuffixesAndCase() {
        assertThat(matches("{\"body\":{\"kind\":[\"order\"]}}", "{\"kind\":\"order\"}")).isTrue();
        assertThat(matches("{\"body\":{\"kind\":[\"order\"]}}", "{\"kind\":\"refund\"}")).isFalse();
        assertThat(matches("{\"body\":{\"kind\":[{\"prefix\":\"ord\"}]}}", "{\"kind\":\"order\"}")).isTrue();
        assertThat(matches("{\"body\":{\"kind\":[{\"suffix\":\"der\"}]}}", "{\"kind\":\"order\"}")).isTrue();
        assertThat(matches("{\"body\":{\"kind\":[{\"equals-ignore-case\":\"ORDER\"}]}}", "{\"kind\":\"order\"}")).isTrue();
        assertThat(matches("{\"body\":{\"n\":[5]}}", "{\"n\":5.0}")).isTrue();
        assertThat(matches("{\"body\":{\"flag\":[true]}}", "{\"flag\":false}")).isFalse();
        assertThat(matches("{\"body\":{\"v\":[null]}}", "{\"v\":null}")).isTrue();
    }

    @Test
    void anythingButNumericAndExists() {
        assertThat(matches("{\"body\":{\"kind\":[{\"anything-but\":[\"a\",\"b\"]}]}}", "{\"kind\":\"c\"}")).isTrue();
        assertThat(matches("{\"body\":{\"kind\":[{\"anything-but\":[\"a\",\"b\"]}]}}", "{\"kind\":\"a\"}")).isFalse();
        assertThat(matches("{\"body\":{\"kind\":[{\"anything-but\":{\"prefix\":\"tmp\"}}]}}", "{\"kind\":\"tmp-1\"}")).isFalse();
        assertThat(matches("{\"body\":{\"n\":[{\"numeric\":[\">\",0,\"<=\",10]}]}}", "{\"n\":10}")).isTrue();
        assertThat(matches("{\"body\":{\"n\":[{\"numeric\":[\">\",0,\"<=\",10]}]}}", "{\"n\":11}")).isFalse();
        assertThat(matches("{\"body\":{\"n\":[{\"exists\":true}]}}", "{\"n\":1}")).isTrue();
        assertThat(matches("{\"body\":{\"n\":[{\"exists\":false}]}}", "{\"m\":1}")).isTrue();
        assertThat(matches("{\"body\":{\"n\":[{\"exists\":false}]}}", "{\"n\":1}")).isFalse();
    }

    @Test
    void arraysOrAndEveryKeyOfAPattern() {
        assertThat(matches("{\"body\":{\"tags\":[\"red\"]}}", "{\"tags\":[\"blue\",\"red\"]}")).isTrue();
        assertThat(matches("{\"body\":{\"a\":[1],\"b\":[2]}}", "{\"a\":1,\"b\":3}")).isFalse();
        assertThat(matches("{\"body\":{\"$or\":[{\"a\":[1]},{\"b\":[2]}]}}", "{\"a\":0,\"b\":2}")).isTrue();
        assertThat(matches("{\"body\":{\"deep\":{\"x\":[\"y\"]}}}", "{\"deep\":{\"x\":\"y\"}}")).isTrue();
    }

    @Test
    void aBodyThatIsNotJsonMatchesAsItsString() {
        assertThat(matches("{\"body\":[{\"prefix\":\"plain\"}]}", "plain text")).isTrue();
        assertThat(matches("{\"body\":{\"kind\":[\"order\"]}}", "plain text")).isFalse();
    }

    @Test
    void recordFieldsOtherThanTheBody() {
        ObjectNode record = record("{}");
        record.putObject("messageAttributes").putObject("colour").put("stringValue", "blue");
        EventFilter filter = filter("{\"messageAttributes\":{\"colour\":{\"stringValue\":[\"blue\"]}}}");
        assertThat(filter.matches(record)).isTrue();
    }

    @Test
    void anyFilterOfSeveralLetsARecordThrough() {
        EventFilter filter = EventFilter.of(Optional.of("{\"Filters\":[{\"Pattern\":\"{\\\"body\\\":{\\\"a\\\":[1]}}\"},"
                + "{\"Pattern\":\"{\\\"body\\\":{\\\"b\\\":[2]}}\"}]}")).orElseThrow();
        assertThat(filter.matches(record("{\"b\":2}"))).isTrue();
        assertThat(filter.matches(record("{\"c\":3}"))).isFalse();
        assertThat(EventFilter.of(Optional.empty())).isEmpty();
        assertThatThrownBy(() -> EventFilter.pattern("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventFilter.pattern("{not json")).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean matches(String pattern, String body) {
        return filter(pattern).matches(record(body));
    }

    private static EventFilter filter(String pattern) {
        ObjectNode criteria = JSON.createObjectNode();
        criteria.putArray("Filters").addObject().put("Pattern", pattern);
        return EventFilter.of(Optional.of(criteria.toString())).orElseThrow();
    }

    private static ObjectNode record(String body) {
        ObjectNode record = JSON.createObjectNode();
        record.put("messageId", "m-1");
        record.put("body", body);
        return record;
    }
}
