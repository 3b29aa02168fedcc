package dev.hearth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

final class TestConstraintViolations {
    @Test
    void oneViolationIsOneValidationError() {
        LambdaException e = new ConstraintViolations().add(300, "memorySize", "Member must have value greater than or equal to 128")
                .exception();
        assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e).hasMessage("1 validation error detected: Value '300' at 'memorySize' failed to satisfy constraint:"
                + " Member must have value greater than or equal to 128");
    }

    @Test
    void severalViolationsAreCountedAndJoinedInTheirOrder() {
        ConstraintViolations violations = new ConstraintViolations()
                .range("timeout", 901, 1, 900)
                .range("memorySize", 64, 128, 32_768);
        assertThatThrownBy(violations::throwIfAny).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException);
            assertThat(e).hasMessage("2 validation errors detected: Value '901' at 'timeout' failed to satisfy constraint:"
                    + " Member must have value less than or equal to 900; Value '64' at 'memorySize' failed to satisfy"
                    + " constraint: Member must have value greater than or equal to 128");
        });
    }

    @Test
    void nothingBrokenThrowsNothing() {
        ConstraintViolations violations = new ConstraintViolations()
                .range("maxItems", 1, 1, 50)
                .range("maxItems", 50, 1, 50)
                .minLength("name", "a", 1)
                .maxLength("name", "a".repeat(64), 64)
                .pattern("name", "abc", Pattern.compile("[a-z]+"))
                .enumValue("list", "ALL", List.of("ALL"));
        assertThat(violations.isEmpty()).isTrue();
        violations.throwIfAny();
        assertThatThrownBy(violations::exception).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSensitiveValueIsLeftOut() {
        assertThat(new ConstraintViolations().addSensitive("environment.variables",
                "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
                .exception()).hasMessage("1 validation error detected: Value at 'environment.variables' failed to satisfy"
                        + " constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern:"
                        + " [a-zA-Z]([a-zA-Z0-9_])+]");
    }

    @Test
    void aMissingMemberIsNull() {
        String expected = "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null";
        assertThat(new ConstraintViolations().missing("qualifier").exception()).hasMessage(expected);
        assertThat(ConstraintViolations.singleMissing("qualifier")).hasMessage(expected)
                .satisfies(e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException));
    }

    @Test
    void rangeNamesTheBoundPassed() {
        assertThat(new ConstraintViolations().range("maxItems", 0, 1, 50).exception()).hasMessage(
                "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value"
                        + " greater than or equal to 1");
        assertThat(new ConstraintViolations().range("maxItems", 51, 1, 50).exception()).hasMessage(
                "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value"
                        + " less than or equal to 50");
    }

    @Test
    void lengthNamesTheBoundPassed() {
        assertThat(new ConstraintViolations().maxLength("description", "x".repeat(257), 256).exception()).hasMessage(
                "1 validation error detected: Value '" + "x".repeat(257) + "' at 'description' failed to satisfy constraint:"
                        + " Member must have length less than or equal to 256");
        assertThat(new ConstraintViolations().minLength("qualifier", "", 1).exception()).hasMessage(
                "1 validation error detected: Value '' at 'qualifier' failed to satisfy constraint: Member must have length"
                        + " greater than or equal to 1");
    }

    @Test
    void aPatternIsQuotedAsWrittenOrAsShown() {
        assertThat(new ConstraintViolations().pattern("handler", "app handler", Pattern.compile("[^\\s]+")).exception())
                .hasMessage("1 validation error detected: Value 'app handler' at 'handler' failed to satisfy constraint:"
                        + " Member must satisfy regular expression pattern: [^\\s]+");
        assertThat(new ConstraintViolations().pattern("functionVersion", "x", Pattern.compile("\\$LATEST|[0-9]+"),
                "(\\$LATEST|[0-9]+)").exception()).hasMessage("1 validation error detected: Value 'x' at 'functionVersion'"
                        + " failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)");
        // the whole value must match, not a part of it
        assertThat(new ConstraintViolations().pattern("name", "abc1", Pattern.compile("[a-z]+")).isEmpty()).isFalse();
    }

    @Test
    void anEnumListsItsValuesInOrder() {
        assertThat(new ConstraintViolations().enumValue("invocationType", "Later", List.of("Event", "RequestResponse", "DryRun"))
                .enumValue("logType", "All", List.of("None", "Tail")).exception()).hasMessage(
                "2 validation errors detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must"
                        + " satisfy enum value set: [Event, RequestResponse, DryRun]; Value 'All' at 'logType' failed to"
                        + " satisfy constraint: Member must satisfy enum value set: [None, Tail]");
    }

    @Test
    void theWordingCanCarryAnotherErrorType() {
        LambdaException e = ConstraintViolations.single("a".repeat(65), "functionName",
                "Member must have length less than or equal to 64");
        assertThat(e.type()).isEqualTo(LambdaErrorType.ValidationException);
        LambdaException typed = new ConstraintViolations().add("abc", "MaxItems", "Member must be a number")
                .exception(LambdaErrorType.InvalidParameterValueException);
        assertThat(typed.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
        assertThat(typed).hasMessage("1 validation error detected: Value 'abc' at 'MaxItems' failed to satisfy constraint:"
                + " Member must be a number");
    }
}
