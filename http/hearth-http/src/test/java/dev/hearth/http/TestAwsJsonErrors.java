package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A body of the wrong shape is refused in terms of the JSON, never naming Java classes. */
final class TestAwsJsonErrors {
    record Inner(int count) {}

    record Input(String name, Integer memorySize, List<String> architectures, Map<String, String> variables, Inner inner) {}

    @Test
    void valuesOfTheWrongKindAreDescribedByMemberAndJsonKind() {
        assertRefused("{\"MemorySize\": \"lots\"}", "Could not parse request body into json: Unexpected value for 'MemorySize':"
                + " expected a number");
        assertRefused("{\"Architectures\": {\"a\": 1}}", "Could not parse request body into json: Unexpected value for"
                + " 'Architectures': expected an array");
        assertRefused("{\"Inner\": [1]}", "Could not parse request body into json: Unexpected value for 'Inner':"
                + " expected an object");
        assertRefused("{\"Inner\": {\"Count\": \"x\"}}", "Could not parse request body into json: Unexpected value for"
                + " 'Inner.Count': expected a number");
    }

    @Test
    void aSyntaxErrorKeepsJacksonsWordsAboutTheJson() {
        assertThatThrownBy(() -> AwsJson.read("{\"Name\": ".getBytes(StandardCharsets.UTF_8), Input.class))
                .isInstanceOfSatisfying(LambdaException.class, e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                        .startsWith("Could not parse request body into json: ").doesNotContain("dev.hearth").doesNotContain("java."));
    }

    @Test
    void bytesInNoEncodingJsonMayUseAreRefusedAsContentNotAsAServerFailure() {
        for (byte[] body : List.of(
                new byte[] {0, 0, (byte) 0xFF, (byte) 0xFE, 0, 0, 0, '{'},
                new byte[] {0, 0, 0, '{', 0x7F, 0, 0, 0})) {
            assertThatThrownBy(() -> AwsJson.read(body, Input.class))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        org.assertj.core.api.Assertions.assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidRequestContentException);
                        org.assertj.core.api.Assertions.assertThat(e.getMessage())
                                .startsWith("Could not parse request body into json: ").doesNotContain("dev.hearth").doesNotContain("java.");
                    });
        }
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> AwsJson.read(json.getBytes(StandardCharsets.UTF_8), Input.class))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidRequestContentException);
                    org.assertj.core.api.Assertions.assertThat(e.getMessage()).isEqualTo(message)
                            .doesNotContain("dev.hearth").doesNotContain("java.");
                });
    }
}
