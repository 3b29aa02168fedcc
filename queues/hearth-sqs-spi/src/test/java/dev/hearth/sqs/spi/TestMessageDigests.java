package dev.hearth.sqs.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The digests SQS answers, against values computed independently (Python's hashlib, SQS's documented encoding). */
final class TestMessageDigests {
    @Test
    void bodyDigestIsTheMd5OfItsUtf8Bytes() {
        assertThat(MessageDigests.ofBody("héllo")).isEqualTo("be50e8478cf24ff3595bc7307fb91b50");
    }

    @Test
    void attributeDigestSortsByNameAndEncodesLengthsTypesAndTransportBytes() {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        attributes.put("size", MessageAttribute.string("Number", "42"));
        attributes.put("raw", MessageAttribute.binary("Binary", new byte[] {0, 1, 2}));
        attributes.put("colour", MessageAttribute.string("String", "blue"));
        assertThat(MessageDigests.ofAttributes(attributes)).isEqualTo("c836a9434ba49345895aef07f56a9b96");
    }

    @Test
    void noAttributesHaveNoDigest() {
        assertThat(MessageDigests.ofAttributes(Map.of())).isNull();
    }
}
