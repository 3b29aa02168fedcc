package dev.hearth.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaException;
import org.junit.jupiter.api.Test;

final class TestFilterPattern {
    @Test
    void emptyPatternMatchesEverything() {
        assertThat(FilterPattern.parse("").matches("anything")).isTrue();
        assertThat(FilterPattern.parse("   ").matchesAll()).isTrue();
    }

    @Test
    void plainTermsMustAllOccurCaseSensitively() {
        FilterPattern pattern = FilterPattern.parse("ERROR Exception");
        assertThat(pattern.matches("ERROR: NullPointerException at line 3")).isTrue();
        assertThat(pattern.matches("ERROR: all fine")).isFalse();
        assertThat(pattern.matches("error: NullPointerException")).isFalse();
    }

    @Test
    void quotedPhraseIsOneTerm() {
        FilterPattern pattern = FilterPattern.parse("\"Task timed out\" REPORT");
        assertThat(pattern.matches("REPORT RequestId: 1 Task timed out after 3.00 seconds")).isTrue();
        assertThat(pattern.matches("REPORT Task out timed")).isFalse();
        assertThat(FilterPattern.parse("\"say \\\"hi\\\"\"").matches("they say \"hi\" twice")).isTrue();
    }

    @Test
    void excludedAndOptionalTerms() {
        FilterPattern notStart = FilterPattern.parse("RequestId -START");
        assertThat(notStart.matches("END RequestId: 1")).isTrue();
        assertThat(notStart.matches("START RequestId: 1")).isFalse();
        FilterPattern either = FilterPattern.parse("?ERROR ?WARN");
        assertThat(either.matches("WARN disk almost full")).isTrue();
        assertThat(either.matches("ERROR disk full")).isTrue();
        assertThat(either.matches("INFO all good")).isFalse();
    }

    @Test
    void regexPattern() {
        FilterPattern pattern = FilterPattern.parse("%Duration: [0-9]+\\.[0-9]+ ms%");
        assertThat(pattern.matches("REPORT RequestId: x Duration: 12.50 ms")).isTrue();
        assertThat(pattern.matches("REPORT RequestId: x")).isFalse();
    }

    @Test
    void unsupportedAndMalformedPatternsAreInvalidParameters() {
        for (String bad : new String[] {"{ $.level = \"ERROR\" }", "[ip, user, status = 404]", "\"unterminated", "? ERROR", "%[%"}) {
            assertThatThrownBy(() -> FilterPattern.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(dev.hearth.core.LambdaErrorType.InvalidParameterException))
                    .hasMessageContaining("Invalid filter pattern");
        }
    }
}
